package dev.sentinels.cli.plugin;

import java.util.Optional;

/** Where secret references in plugin configuration are looked up. */
public interface SecretResolver {

  /**
   * Key {@code key} of the Kubernetes Secret {@code name} in Sentinels' namespace; empty when the
   * Secret or key does not exist.
   *
   * @throws UnsupportedOperationException with a message for people when there is no cluster
   */
  Optional<String> secret(String name, String key);

  /** An environment variable of this process. */
  default Optional<String> env(String name) {
    return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isEmpty());
  }

  /** For backends without a cluster: only {@code {env: NAME}} references work. */
  SecretResolver ENV_ONLY =
      (name, key) -> {
        throw new UnsupportedOperationException(
            "secretRef needs a cluster; locally use {env: NAME}");
      };
}
