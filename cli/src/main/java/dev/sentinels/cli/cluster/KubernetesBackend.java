package dev.sentinels.cli.cluster;

import dev.sentinels.api.QueueConfig;
import dev.sentinels.cli.engine.port.AdmissionGuard;
import dev.sentinels.cli.engine.port.Backend;
import dev.sentinels.cli.engine.port.Diagnostics;
import dev.sentinels.cli.engine.port.JobRuntime;
import dev.sentinels.cli.engine.port.JobStore;
import dev.sentinels.cli.engine.port.SchedulerDriver;
import dev.sentinels.cli.plugin.PluginsConfig;
import dev.sentinels.cli.plugin.PluginsConfigReader;
import dev.sentinels.cli.plugin.SecretResolver;
import dev.sentinels.cli.spec.QueueConfigReader;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * The Kubernetes adapter: records, configuration and the admission lease live in one namespace;
 * jobs run there as batch/v1 Jobs. No server of our own: every command works with the API server
 * alone, and {@code sentinel scheduler} only makes admission prompt. fabric8 stays inside this
 * package.
 */
public final class KubernetesBackend implements Backend {

  /** The ConfigMap a data engineer edits: {@code config.yaml} with priorities, queues, quotas. */
  public static final String CONFIG_MAP = "sentinel-config";

  /** The key of {@code sentinel-config} holding the {@code plugins:} section. */
  public static final String PLUGINS_KEY = "plugins.yaml";

  static final Duration CLI_LEASE = Duration.ofSeconds(10);
  static final Duration SCHEDULER_LEASE = Duration.ofSeconds(15);

  private final KubeAccess access;
  private final String namespace;
  private final Clock clock;
  private final JobRecordStore store;
  private final ClusterRuntime runtime;
  private QueueConfig config;
  private JsonNode configData;
  private boolean sharedAccess;

  public KubernetesBackend(KubernetesClient client, String namespace, Clock clock) {
    this(KubeAccess.of(client), namespace, clock);
  }

  KubernetesBackend(KubeAccess access, String namespace, Clock clock) {
    this.access = access;
    this.namespace = namespace != null ? namespace : access.defaultNamespace();
    this.clock = clock;
    this.store = new JobRecordStore(access, this.namespace);
    this.runtime = new ClusterRuntime(access, this.namespace, store, clock);
  }

  /** A backend for the kubeconfig and context kubectl would use; reads start fast. */
  public static KubernetesBackend connect(
      String kubeconfig, String context, String namespace, Clock clock) {
    return connect(kubeconfig, context, namespace, clock, false);
  }

  /**
   * The same; with {@code warm} (the REPL) the connection is kept for the next backend of the same
   * kubeconfig and context, so a line costs one request on an open connection.
   */
  public static KubernetesBackend connect(
      String kubeconfig, String context, String namespace, Clock clock, boolean warm) {
    if (!warm) {
      return new KubernetesBackend(KubeConnection.access(kubeconfig, context), namespace, clock);
    }
    KubernetesBackend backend =
        new KubernetesBackend(KubeConnection.shared(kubeconfig, context), namespace, clock);
    backend.sharedAccess = true;
    return backend;
  }

  /**
   * Every namespace of the cluster, for {@code -A}: each is a backend of its own (its own records,
   * configuration and lease), so an all-namespaces view is made of one per namespace.
   */
  public static java.util.List<String> namespaces(String kubeconfig, String context, boolean warm) {
    KubeAccess access =
        warm
            ? KubeConnection.shared(kubeconfig, context)
            : KubeConnection.access(kubeconfig, context);
    try {
      java.util.List<String> names = new java.util.ArrayList<>();
      StreamingList.each(
          access.reads(),
          "/api/v1/namespaces",
          null,
          null,
          java.util.Set.of(),
          i -> names.add(i.name()));
      java.util.Collections.sort(names);
      return names;
    } finally {
      if (!warm) {
        access.close();
      }
    }
  }

  @Override
  public Optional<String> namespace() {
    return Optional.of(namespace);
  }

  @Override
  public String target() {
    return "cluster " + access.masterUrl() + ", namespace " + namespace;
  }

  /** The {@code sentinel-config} ConfigMap's data, read once. */
  private synchronized JsonNode configData() {
    if (configData == null) {
      var map = StreamingList.getOne(access.reads(), configMapPath(CONFIG_MAP));
      configData = map == null ? MissingNode.getInstance() : map.path("data");
    }
    return configData;
  }

  private String configMapPath(String name) {
    return "/api/v1/namespaces/" + namespace + "/configmaps/" + name;
  }

  private Optional<String> configKey(String key) {
    return configData().hasNonNull(key)
        ? Optional.of(configData().get(key).asString())
        : Optional.empty();
  }

  /**
   * Reads {@code sentinel-config} again (the scheduler, when it changed): the new configuration
   * replaces the old only when it is valid, so a bad edit leaves the scheduler admitting by the
   * last good one. Returns what to log.
   */
  synchronized String reloadConfig() {
    JsonNode previousData = configData;
    QueueConfig previous = config;
    configData = null;
    config = null;
    try {
      QueueConfig next = queueConfig();
      return previous == null || previous.equals(next)
          ? null
          : "configuration reloaded from configmap " + namespace + "/" + CONFIG_MAP;
    } catch (RuntimeException e) {
      configData = previousData;
      config = previous;
      return "configuration in configmap "
          + namespace
          + "/"
          + CONFIG_MAP
          + " rejected, keeping the last good one: "
          + e.getMessage();
    }
  }

  @Override
  public synchronized QueueConfig queueConfig() {
    if (config == null) {
      config =
          configKey("config.yaml")
              .map(
                  yaml -> QueueConfigReader.read(yaml, "configmap " + namespace + "/" + CONFIG_MAP))
              .orElse(QueueConfig.defaults());
    }
    return config;
  }

  /**
   * The plugins section: key {@value #PLUGINS_KEY} of {@code sentinel-config}, shared by every user
   * and the scheduler so all agree on where notifications go.
   */
  @Override
  public PluginsConfig pluginsConfig() {
    return configKey(PLUGINS_KEY)
        .map(
            yaml ->
                PluginsConfigReader.readDocument(
                    yaml, "configmap " + namespace + "/" + CONFIG_MAP + " " + PLUGINS_KEY))
        .orElse(PluginsConfig.NONE)
        .withEnvironment(System::getenv, false);
  }

  /** Secret references resolve to Secrets in this namespace. */
  @Override
  public SecretResolver secrets() {
    return (name, key) -> {
      var secret =
          StreamingList.getOne(
              access.reads(), "/api/v1/namespaces/" + namespace + "/secrets/" + name);
      if (secret == null || !secret.path("data").hasNonNull(key)) {
        return Optional.empty();
      }
      return Optional.of(
          new String(
              Base64.getDecoder().decode(secret.path("data").get(key).asString()),
              StandardCharsets.UTF_8));
    };
  }

  /** The user the API server authenticates (SelfSubjectReview), else the local user name. */
  @Override
  public String currentUser() {
    try {
      SelfSubjectReview review =
          access
              .client()
              .authentication()
              .v1()
              .selfSubjectReviews()
              .create(new SelfSubjectReview());
      if (review.getStatus() != null && review.getStatus().getUserInfo() != null) {
        return review.getStatus().getUserInfo().getUsername();
      }
    } catch (KubernetesClientException e) {
      // Older clusters lack SelfSubjectReview: fall back to the local user name.
    }
    return System.getProperty("user.name");
  }

  @Override
  public JobStore store() {
    return store;
  }

  @Override
  public JobRuntime runtime() {
    return runtime;
  }

  @Override
  public AdmissionGuard admission(String identity, boolean longLived) {
    Duration duration = longLived ? SCHEDULER_LEASE : CLI_LEASE;
    AdmissionLease lease =
        new AdmissionLease(
            access,
            namespace,
            identity,
            longLived ? AdmissionLease.HolderKind.SCHEDULER : AdmissionLease.HolderKind.CLI,
            duration,
            clock);
    return new LeaseGuard(lease, longLived);
  }

  @Override
  public Diagnostics diagnostics() {
    return new ClusterDiagnostics(
        access,
        namespace,
        () ->
            new AdmissionLease(
                access, namespace, "doctor", AdmissionLease.HolderKind.CLI, CLI_LEASE, clock),
        clock);
  }

  @Override
  public SchedulerDriver schedulerDriver(String identity) {
    return new ClusterScheduler(
        access.client(), namespace, this::reloadConfig, runtime::publishCapacity);
  }

  @Override
  public void close() {
    if (!sharedAccess) {
      access.close();
    }
  }
}
