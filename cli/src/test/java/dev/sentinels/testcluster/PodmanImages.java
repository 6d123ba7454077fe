package dev.sentinels.testcluster;

import java.util.HashMap;
import java.util.Map;

/**
 * This checkout's images ({@code scripts/images.sh}) in podman's default store, where the local
 * backend's {@code podman run} finds them: built when missing, loaded, named by digest.
 */
public final class PodmanImages {

  private static final Map<String, String> REFS = new HashMap<>();

  private PodmanImages() {}

  /** {@code localhost/sentinels/NAME@sha256:...}, present in podman. */
  public static synchronized String ref(String name) {
    return REFS.computeIfAbsent(
        name,
        n -> {
          Scripts.check(Map.of(), Scripts.dir().resolve("images.sh"), "build", n);
          Scripts.check(Map.of(), Scripts.dir().resolve("images.sh"), "load", "podman");
          return Scripts.check(Map.of(), Scripts.dir().resolve("images.sh"), "ref", n).trim();
        });
  }
}
