package dev.sentinels.cli.engine;

import java.security.SecureRandom;

/**
 * Job ids: the spec's name and five random characters, e.g. {@code mnist-k3x9q}. Readable in
 * tables, unique without a shared counter (a counter would serialize every submit); a collision is
 * caught by the store's create and retried with a new suffix.
 */
public final class JobIds {

  // No vowels: ids never spell words; no 0/1/l: they never look alike.
  private static final char[] ALPHABET = "bcdfghjkmnpqrstvwxz23456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private JobIds() {}

  public static String next(String name) {
    char[] suffix = new char[5];
    for (int i = 0; i < suffix.length; i++) {
      suffix[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return name + "-" + new String(suffix);
  }
}
