package dev.sentinels.cli.engine;

import java.net.InetAddress;

/** Who acts, in leases, claims and timelines: unique per process and call site kind. */
public final class Identity {

  private Identity() {}

  /** e.g. {@code scheduler/ana@gpu-box/4242/k3x9}: kind, user, host, pid and a nonce. */
  public static String of(String kind) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "unknown-host";
    }
    return kind
        + "/"
        + System.getProperty("user.name")
        + "@"
        + host
        + "/"
        + ProcessHandle.current().pid()
        + "/"
        + Long.toString(System.nanoTime() & 0xffffff, 36);
  }
}
