package dev.sentinels.cli.plugin;

import java.util.Map;
import java.util.Optional;

/** Secrets and environment variables from maps, as a cluster or a shell would give them. */
record TestSecrets(Map<String, String> secrets, Map<String, String> env) implements SecretResolver {

  static TestSecrets env(Map<String, String> env) {
    return new TestSecrets(Map.of(), env);
  }

  @Override
  public Optional<String> secret(String name, String key) {
    return Optional.ofNullable(secrets.get(name + "/" + key));
  }

  @Override
  public Optional<String> env(String name) {
    return Optional.ofNullable(env.get(name));
  }
}
