package dev.sentinels.cli.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Reads the common kubeconfig shapes (server, CA, client certificate and key, or a bearer token)
 * straight into a fabric8 {@link Config}. fabric8's own kubeconfig loading costs about half a
 * second of start-up, more than the whole command should; anything this reader does not know (exec
 * plugins, auth providers, proxies, merged files) is left to fabric8, so nothing is lost.
 */
final class Kubeconfig {

  private static final Set<String> CLUSTER_KEYS =
      Set.of(
          "server",
          "certificate-authority",
          "certificate-authority-data",
          "insecure-skip-tls-verify",
          "extensions");
  private static final Set<String> USER_KEYS =
      Set.of(
          "client-certificate",
          "client-certificate-data",
          "client-key",
          "client-key-data",
          "token",
          "tokenFile",
          "extensions");

  private Kubeconfig() {}

  /** The configuration of {@code context} (null: current) in {@code file}, or empty to defer. */
  static Optional<Config> read(Path file, String context) {
    Map<?, ?> root;
    try {
      Object parsed =
          new Load(LoadSettings.builder().setAllowDuplicateKeys(false).build())
              .loadFromString(Files.readString(file));
      if (!(parsed instanceof Map<?, ?> map)) {
        return Optional.empty();
      }
      root = map;
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // fabric8 will say what is wrong with it
    }
    String contextName = context != null ? context : string(root.get("current-context"));
    Map<?, ?> ctx = named(root.get("contexts"), contextName, "context");
    if (ctx == null) {
      return Optional.empty();
    }
    Map<?, ?> cluster = named(root.get("clusters"), string(ctx.get("cluster")), "cluster");
    Map<?, ?> user = named(root.get("users"), string(ctx.get("user")), "user");
    if (cluster == null
        || user == null
        || !CLUSTER_KEYS.containsAll(keys(cluster))
        || !USER_KEYS.containsAll(keys(user))
        || cluster.get("server") == null) {
      return Optional.empty();
    }
    Path dir = file.toAbsolutePath().getParent();
    ConfigBuilder config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(string(cluster.get("server")))
            .withNamespace(ctx.get("namespace") == null ? null : string(ctx.get("namespace")))
            .withTrustCerts(Boolean.TRUE.equals(cluster.get("insecure-skip-tls-verify")));
    if (cluster.get("certificate-authority-data") != null) {
      config.withCaCertData(string(cluster.get("certificate-authority-data")));
    } else if (cluster.get("certificate-authority") != null) {
      config.withCaCertFile(resolve(dir, cluster.get("certificate-authority")));
    }
    if (user.get("client-certificate-data") != null) {
      config.withClientCertData(string(user.get("client-certificate-data")));
    } else if (user.get("client-certificate") != null) {
      config.withClientCertFile(resolve(dir, user.get("client-certificate")));
    }
    if (user.get("client-key-data") != null) {
      config.withClientKeyData(string(user.get("client-key-data")));
    } else if (user.get("client-key") != null) {
      config.withClientKeyFile(resolve(dir, user.get("client-key")));
    }
    try {
      if (user.get("token") != null) {
        config.withOauthToken(string(user.get("token")));
      } else if (user.get("tokenFile") != null) {
        config.withOauthToken(
            Files.readString(Path.of(resolve(dir, user.get("tokenFile")))).trim());
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.of(config.build());
  }

  private static String resolve(Path dir, Object path) {
    Path p = Path.of(string(path));
    return (p.isAbsolute() || dir == null ? p : dir.resolve(p)).toString();
  }

  private static Set<?> keys(Map<?, ?> map) {
    return map.keySet();
  }

  /** The {@code inner} mapping of the list entry named {@code name}, e.g. a context's context. */
  private static Map<?, ?> named(Object list, String name, String inner) {
    if (!(list instanceof List<?> entries) || name == null) {
      return null;
    }
    for (Object entry : entries) {
      if (entry instanceof Map<?, ?> map
          && name.equals(string(map.get("name")))
          && map.get(inner) instanceof Map<?, ?> value) {
        return value;
      }
    }
    return null;
  }

  private static String string(Object value) {
    return value == null ? null : value.toString();
  }
}
