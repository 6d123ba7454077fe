package dev.sentinels.cli.cluster;

import dev.sentinels.cli.support.SentinelException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds the fabric8 client the way kubectl finds its cluster: kubeconfig, context, namespace. */
public final class KubeConnection {

  private KubeConnection() {}

  /** Whether there is any cluster configuration to use (else the local backend is the default). */
  public static boolean clusterConfigured(String kubeconfig) {
    if (kubeconfig != null) {
      return true;
    }
    if (System.getenv("KUBERNETES_SERVICE_HOST") != null) {
      return true; // in a pod: the service account is the configuration
    }
    String env = System.getenv("KUBECONFIG");
    if (env != null && !env.isBlank()) {
      for (String file : env.split(java.io.File.pathSeparator)) {
        if (!file.isBlank() && Files.isRegularFile(Path.of(file))) {
          return true;
        }
      }
      return false;
    }
    return Files.isRegularFile(Path.of(System.getProperty("user.home"), ".kube", "config"));
  }

  /** A client for {@code kubeconfig} (null: $KUBECONFIG or ~/.kube/config) and {@code context}. */
  public static KubernetesClient connect(String kubeconfig, String context) {
    return build(config(kubeconfig, context).config());
  }

  /**
   * Reads direct (without fabric8's client) when the kubeconfig is one the fast reader handles; the
   * fabric8 client is built on first write.
   */
  static KubeAccess access(String kubeconfig, String context) {
    Loaded loaded = config(kubeconfig, context);
    Config config = loaded.config();
    DirectApi direct = loaded.simple() ? DirectApi.from(config).orElse(null) : null;
    if (direct == null) {
      return KubeAccess.of(build(config));
    }
    return new KubeAccess(
        () -> build(config), direct, config.getMasterUrl(), config.getNamespace());
  }

  /** The context a command would use and its namespace, as the prompt shows them. */
  public record Current(String context, String namespace) {}

  /** Reads the kubeconfig's current (or the named) context and that context's namespace. */
  public static Current current(String kubeconfig, String context) {
    Path file = kubeconfig != null ? Path.of(kubeconfig) : singleKubeconfigFile();
    String name = context;
    String namespace = "default";
    if (file != null) {
      try {
        var tree = new tools.jackson.dataformat.yaml.YAMLMapper().readTree(Files.readString(file));
        if (name == null) {
          name = tree.path("current-context").asString("");
        }
        for (var c : tree.path("contexts")) {
          if (c.path("name").asString().equals(name)) {
            namespace = c.path("context").path("namespace").asString("default");
          }
        }
      } catch (IOException | RuntimeException e) {
        // the prompt says less
      }
    }
    return new Current(name == null || name.isEmpty() ? "cluster" : name, namespace);
  }

  /** The context names of the kubeconfig kubectl would read (every file of $KUBECONFIG). */
  public static java.util.List<String> contexts(String kubeconfig) {
    java.util.List<Path> files = new java.util.ArrayList<>();
    if (kubeconfig != null) {
      files.add(Path.of(kubeconfig));
    } else if (System.getenv("KUBECONFIG") != null && !System.getenv("KUBECONFIG").isBlank()) {
      for (String file : System.getenv("KUBECONFIG").split(java.io.File.pathSeparator)) {
        if (!file.isBlank()) {
          files.add(Path.of(file));
        }
      }
    } else {
      files.add(Path.of(System.getProperty("user.home"), ".kube", "config"));
    }
    java.util.Set<String> names = new java.util.TreeSet<>();
    for (Path file : files) {
      try {
        var tree = new tools.jackson.dataformat.yaml.YAMLMapper().readTree(Files.readString(file));
        tree.path("contexts").forEach(c -> names.add(c.path("name").asString()));
      } catch (IOException | RuntimeException e) {
        // an unreadable file offers no contexts
      }
    }
    names.remove("");
    return java.util.List.copyOf(names);
  }

  private static final java.util.Map<String, KubeAccess> SHARED =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Access kept open for the rest of the process (the REPL's), one per kubeconfig and context. */
  static KubeAccess shared(String kubeconfig, String context) {
    return SHARED.computeIfAbsent(
        kubeconfig + "\u0000" + context, k -> access(kubeconfig, context));
  }

  /** A configuration and whether it came from the fast reader (plain certificates or tokens). */
  private record Loaded(Config config, boolean simple) {}

  private static Loaded config(String kubeconfig, String context) {
    Path file = kubeconfig != null ? Path.of(kubeconfig) : singleKubeconfigFile();
    Config fast = file == null ? null : Kubeconfig.read(file, context).orElse(null);
    Config config = fast != null ? fast : fabric8Config(kubeconfig, context);
    if (context != null
        && config.getCurrentContext() != null
        && !context.equals(config.getCurrentContext().getName())) {
      throw SentinelException.invalid(
          "--context: no context named '" + context + "' in the kubeconfig");
    }
    Config tuned =
        new ConfigBuilder(config)
            // An unreachable server should say so at once, not after fabric8's ~20 s of retries.
            .withRequestRetryBackoffLimit(1)
            .withRequestRetryBackoffInterval(200)
            .withConnectionTimeout(5_000)
            .withRequestTimeout(30_000)
            .build();
    return new Loaded(tuned, fast != null);
  }

  private static KubernetesClient build(Config config) {
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** fabric8's full kubeconfig support: exec plugins, auth providers, merged files, in-cluster. */
  private static Config fabric8Config(String kubeconfig, String context) {
    try {
      if (kubeconfig != null) {
        return Config.fromKubeconfig(context, Files.readString(Path.of(kubeconfig)), kubeconfig);
      }
      return Config.autoConfigure(context);
    } catch (IOException e) {
      throw SentinelException.invalid(
          "--kubeconfig: cannot read " + kubeconfig + ": " + e.getMessage());
    } catch (KubernetesClientException | IllegalArgumentException e) {
      throw SentinelException.invalid("kubeconfig: " + oneLine(e.getMessage()));
    }
  }

  /** The one kubeconfig file kubectl would read, or null when several are merged (or none). */
  private static Path singleKubeconfigFile() {
    String env = System.getenv("KUBECONFIG");
    if (env != null && !env.isBlank()) {
      return env.contains(java.io.File.pathSeparator) ? null : Path.of(env);
    }
    Path home = Path.of(System.getProperty("user.home"), ".kube", "config");
    return Files.isRegularFile(home) ? home : null;
  }

  private static String oneLine(String text) {
    return text == null ? "invalid" : text.replaceAll("\\s+", " ").trim();
  }
}
