package dev.sentinels.cli.cluster;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.JobState;
import dev.sentinels.api.PriorityClass;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.cli.backend.Backend;
import dev.sentinels.cli.backend.NodeView;
import dev.sentinels.cli.backend.PassReport;
import dev.sentinels.cli.backend.QueueView;
import dev.sentinels.cli.backend.SentinelException;
import dev.sentinels.cli.backend.Submission;
import dev.sentinels.cli.cluster.JobRecordStore.StaleRecordException;
import dev.sentinels.cli.cluster.JobRecordStore.Stored;
import dev.sentinels.cli.command.ExitCodes;
import dev.sentinels.cli.plugin.HookStore;
import dev.sentinels.cli.plugin.HookWorker;
import dev.sentinels.cli.plugin.JobHooks;
import dev.sentinels.cli.plugin.PluginsConfig;
import dev.sentinels.cli.plugin.ResourceAlerts;
import dev.sentinels.cli.plugin.SecretResolver;
import dev.sentinels.cli.spec.PluginsConfigReader;
import dev.sentinels.cli.spec.QueueConfigReader;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.databind.JsonNode;

/**
 * The Kubernetes backend: records, configuration and the admission lease live in one namespace;
 * jobs run there as batch/v1 Jobs. No server of our own: every command works with the API server
 * alone, and {@code sentinel scheduler} only makes admission prompt.
 */
public final class KubernetesBackend implements Backend {

  /** The ConfigMap a data engineer edits: {@code config.yaml} with priorities, queues, quotas. */
  public static final String CONFIG_MAP = "sentinel-config";

  static final Duration CLI_LEASE = Duration.ofSeconds(10);
  static final Duration SCHEDULER_LEASE = Duration.ofSeconds(15);

  /** The key of {@code sentinel-config} holding the {@code plugins:} section. */
  public static final String PLUGINS_KEY = "plugins.yaml";

  static final Duration CLI_DELIVERY_BUDGET = Duration.ofSeconds(3);

  private final KubeAccess access;
  private final String namespace;
  private final Clock clock;
  private final JobRecordStore store;
  private final JobLauncher launcher;
  private final ResourceMonitor monitor;
  private QueueConfig config;
  private JsonNode configData;
  private JobHooks hooks;

  public KubernetesBackend(KubernetesClient client, String namespace, Clock clock) {
    this(KubeAccess.of(client), namespace, clock);
  }

  KubernetesBackend(KubeAccess access, String namespace, Clock clock) {
    this.access = access;
    this.namespace = namespace != null ? namespace : access.defaultNamespace();
    this.clock = clock;
    this.store = new JobRecordStore(access, this.namespace);
    this.launcher = new JobLauncher(access, this.namespace);
    this.monitor = new ResourceMonitor(access);
  }

  /** A backend for the kubeconfig and context kubectl would use; reads start fast. */
  public static KubernetesBackend connect(
      String kubeconfig, String context, String namespace, Clock clock) {
    return new KubernetesBackend(KubeConnection.access(kubeconfig, context), namespace, clock);
  }

  public String namespace() {
    return namespace;
  }

  @Override
  public String target() {
    return "cluster " + access.masterUrl() + ", namespace " + namespace;
  }

  /** The {@code sentinel-config} ConfigMap's data, read once. */
  private synchronized JsonNode configData() {
    if (configData == null) {
      var map =
          StreamingList.getOne(
              access.reads(), "/api/v1/namespaces/" + namespace + "/configmaps/" + CONFIG_MAP);
      configData =
          map == null ? tools.jackson.databind.node.MissingNode.getInstance() : map.path("data");
    }
    return configData;
  }

  @Override
  public synchronized QueueConfig queueConfig() {
    if (config == null) {
      String yaml =
          configData().hasNonNull("config.yaml")
              ? configData().get("config.yaml").asString()
              : null;
      config =
          yaml == null
              ? QueueConfig.defaults()
              : QueueConfigReader.read(yaml, "configmap " + namespace + "/" + CONFIG_MAP);
    }
    return config;
  }

  /**
   * The plugins section: key {@value #PLUGINS_KEY} of {@code sentinel-config}, shared by every user
   * and the scheduler so all agree on where notifications go.
   */
  public PluginsConfig pluginsConfig() {
    String yaml =
        configData().hasNonNull(PLUGINS_KEY) ? configData().get(PLUGINS_KEY).asString() : null;
    return yaml == null
        ? PluginsConfig.NONE
        : PluginsConfigReader.readDocument(
            yaml, "configmap " + namespace + "/" + CONFIG_MAP + " " + PLUGINS_KEY);
  }

  /**
   * The plugin seam, built on first use; plugins load only when a path needs them. A malformed
   * {@value #PLUGINS_KEY} turns plugins off with a warning (and an error in {@code sentinel
   * plugins}): it never stops a submission or the scheduler.
   */
  @Override
  public synchronized JobHooks hooks() {
    if (hooks == null) {
      hooks = JobHooks.fromConfig(this::pluginsConfig, this::secrets, target(), clock);
    }
    return hooks;
  }

  /** Secret references resolve to Secrets in this namespace. */
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
              java.util.Base64.getDecoder().decode(secret.path("data").get(key).asString()),
              java.nio.charset.StandardCharsets.UTF_8));
    };
  }

  /** Record access for hook delivery: pending records by label, conditional updates. */
  HookStore hookStore() {
    return new HookStore() {
      @Override
      public List<JobRecord> pendingHooks() {
        return store.pendingHooks().stream().map(Stored::record).toList();
      }

      @Override
      public Optional<JobRecord> update(
          String jobId, java.util.function.UnaryOperator<JobRecord> change) {
        return store.update(jobId, change);
      }
    };
  }

  /** The ConfigMap holding resource alert episodes. */
  static final String ALERTS_MAP = "sentinel-alerts";

  /** What resource alerts look at: long waits for capacity, and how full the nodes are. */
  ResourceAlerts.Observation observe(ResourceAlerts alerts) {
    return alerts.observe(queue(), nodes(), clock.instant());
  }

  /** Alert episodes in the {@value #ALERTS_MAP} ConfigMap, written conditionally. */
  ResourceAlerts.EpisodeStore alertStore() {
    return new ResourceAlerts.EpisodeStore() {
      @Override
      public Map.Entry<Map<String, String>, String> read() {
        var map = access.client().configMaps().inNamespace(namespace).withName(ALERTS_MAP).get();
        if (map == null) {
          return new java.util.AbstractMap.SimpleEntry<>(Map.of(), null);
        }
        return new java.util.AbstractMap.SimpleEntry<>(
            map.getData() == null ? Map.of() : map.getData(),
            map.getMetadata().getResourceVersion());
      }

      @Override
      public boolean write(Map<String, String> state, String version) {
        var map =
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName(ALERTS_MAP)
                .withNamespace(namespace)
                .withResourceVersion(version)
                .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
                .addToLabels(Labels.COMPONENT, "alerts")
                .endMetadata()
                .withData(state)
                .build();
        try {
          var resource = access.client().configMaps().inNamespace(namespace).resource(map);
          if (version == null) {
            resource.create();
          } else {
            resource.update();
          }
          return true;
        } catch (KubernetesClientException e) {
          if (e.getCode() == java.net.HttpURLConnection.HTTP_CONFLICT
              || e.getCode() == java.net.HttpURLConnection.HTTP_NOT_FOUND) {
            return false;
          }
          throw e;
        }
      }
    };
  }

  /**
   * A CLI's bounded attempt at pending plugin work after its pass; what is left (a slow or failing
   * service) waits for the next pass or the scheduler.
   */
  private void deliverBriefly() {
    if (hooks().configured()) {
      try {
        hooks().deliver(hookStore(), identity("cli"), CLI_DELIVERY_BUDGET);
      } catch (RuntimeException e) {
        // Never fail the user's command for a notification: the next pass retries.
      }
    }
  }

  ClusterAdmitter admitter(String identity, AdmissionLease.HolderKind kind, Duration duration) {
    AdmissionLease lease = new AdmissionLease(access, namespace, identity, kind, duration, clock);
    return new ClusterAdmitter(
        access, namespace, store, launcher, monitor, this::queueConfig, lease, clock);
  }

  static String identity(String kind) {
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

  @Override
  public JobRecord submit(JobSpec spec) {
    JobRecord record =
        Submission.store(
            spec, queueConfig(), currentUser(), clock.instant(), hooks(), store::create);
    admitOrHandOver();
    deliverBriefly();
    return get(record.id());
  }

  /**
   * Makes sure a pass starts after the caller's last write: runs one, or sees that another admitter
   * (the scheduler, or a CLI that took the lease after now) will.
   */
  void admitOrHandOver() {
    ClusterAdmitter admitter = admitter(identity("cli"), AdmissionLease.HolderKind.CLI, CLI_LEASE);
    Instant deadline = clock.instant().plus(CLI_LEASE).plusSeconds(5);
    Integer transitionsSeen = null;
    while (clock.instant().isBefore(deadline)) {
      PassReport report = admitter.pass(true);
      if (report.heldBy() == null) {
        return;
      }
      Optional<AdmissionLease.Holder> holder = admitter.lease().holder();
      if (holder.isPresent()) {
        if (holder.get().kind() == AdmissionLease.HolderKind.SCHEDULER) {
          return; // it watches records and will pass promptly
        }
        int transitions = holder.get().transitions();
        if (transitionsSeen == null) {
          transitionsSeen = transitions;
        } else if (transitions != transitionsSeen) {
          return; // taken anew after our write: that pass sees it
        }
      }
      sleep(50);
    }
  }

  private String currentUser() {
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
  public JobRecord get(String jobId) {
    Stored stored = store.get(jobId).orElseThrow(() -> notFound(jobId));
    return withLiveState(List.of(stored.record())).get(0);
  }

  private SentinelException notFound(String jobId) {
    return SentinelException.notFound(
        "no job '" + jobId + "' in namespace " + namespace + " (see: sentinel status)");
  }

  @Override
  public List<JobRecord> list(Set<JobState> states) {
    // Stored states may lag the cluster (no pass since a job ended): also fetch the active
    // records, bring them up to date, then filter.
    Set<JobState> query = java.util.EnumSet.noneOf(JobState.class);
    query.addAll(states);
    if (!states.isEmpty() && !states.equals(Set.of(JobState.QUEUED))) {
      query.add(JobState.ADMITTED);
      query.add(JobState.RUNNING);
    }
    List<JobRecord> records = new ArrayList<>();
    for (Stored stored : store.list(query.toArray(JobState[]::new))) {
      records.add(stored.record());
    }
    records = new ArrayList<>(withLiveState(records));
    if (!states.isEmpty()) {
      records.removeIf(r -> !states.contains(r.state()));
    }
    records.sort(
        Comparator.comparing(JobRecord::submittedAt).reversed().thenComparing(JobRecord::id));
    return records;
  }

  /**
   * Active records as their Jobs say they are now, without writing: reads stay fresh even when no
   * pass has run since a job ended. The next pass writes the same state.
   */
  private List<JobRecord> withLiveState(List<JobRecord> records) {
    if (records.stream().noneMatch(r -> r.state().isActive())) {
      return records;
    }
    Map<String, JsonNode> jobs = JobObjects.jobsById(access.reads(), namespace);
    Map<String, List<JsonNode>> pods = JobObjects.podsByJobId(access.reads(), namespace);
    Instant now = clock.instant();
    List<JobRecord> live = new ArrayList<>(records.size());
    for (JobRecord record : records) {
      live.add(
          JobStatusDeriver.derive(
                  record, jobs.get(record.id()), pods.getOrDefault(record.id(), List.of()), now)
              .orElse(record));
    }
    return live;
  }

  @Override
  public QueueView queue() {
    // The two reads are independent; on a long queue each takes a while.
    var capacity = java.util.concurrent.CompletableFuture.supplyAsync(monitor::read);
    Map<String, Stored> records = new LinkedHashMap<>();
    for (Stored stored : store.list(JobState.QUEUED, JobState.ADMITTED, JobState.RUNNING)) {
      records.put(stored.record().id(), stored);
    }
    var plan = ClusterAdmitter.plan(queueConfig(), records, capacity.join(), clock.instant());
    Map<String, JobRecord> pending = new LinkedHashMap<>();
    records.values().stream()
        .map(Stored::record)
        .filter(r -> r.state() == JobState.QUEUED)
        .forEach(r -> pending.put(r.id(), r));
    return new QueueView(pending, plan);
  }

  @Override
  public JobRecord cancel(String jobId, String why) {
    for (int attempt = 0; attempt < 10; attempt++) {
      Stored stored = store.get(jobId).orElseThrow(() -> notFound(jobId));
      JobRecord record = stored.record();
      if (record.state() == JobState.CANCELLED) {
        return record;
      }
      if (record.state().isTerminal()) {
        throw new SentinelException(
            ExitCodes.FAILED,
            "job " + jobId + " already " + record.state() + "; nothing to cancel");
      }
      JobRecord cancelled = record.transition(JobState.CANCELLED, why, clock.instant());
      try {
        store.update(cancelled, stored.resourceVersion());
      } catch (StaleRecordException e) {
        continue;
      }
      if (record.state().isActive()) {
        launcher.delete(jobId);
      }
      admitOrHandOver(); // its capacity may let the next job in
      deliverBriefly();
      return cancelled;
    }
    throw new SentinelException(ExitCodes.FAILED, "job " + jobId + " keeps changing; try again");
  }

  @Override
  public JobRecord setPriority(String jobId, String priorityClass) {
    PriorityClass priority = Submission.priorityClass(queueConfig(), priorityClass);
    for (int attempt = 0; attempt < 10; attempt++) {
      Stored stored = store.get(jobId).orElseThrow(() -> notFound(jobId));
      JobRecord record = stored.record();
      if (record.state().isTerminal()) {
        throw new SentinelException(
            ExitCodes.FAILED,
            "job " + jobId + " already " + record.state() + "; priority no longer matters");
      }
      JobRecord changed = record.withPriority(priority.name(), priority.value());
      try {
        store.update(changed, stored.resourceVersion());
      } catch (StaleRecordException e) {
        continue;
      }
      admitOrHandOver();
      return get(jobId);
    }
    throw new SentinelException(ExitCodes.FAILED, "job " + jobId + " keeps changing; try again");
  }

  @Override
  public void logs(String jobId, boolean follow, Integer tailLines, PrintStream out) {
    JobRecord record = get(jobId);
    Pod pod = latestPod(jobId);
    if (pod == null) {
      if (!follow || record.state().isTerminal()) {
        throw SentinelException.notFound(
            "job "
                + jobId
                + " is "
                + record.state()
                + " and has no pod with logs"
                + (record.state() == JobState.QUEUED ? " yet (see: sentinel queue)" : ""));
      }
      System.err.println("waiting for job " + jobId + " to start (" + record.state() + ")...");
      while ((pod = latestPod(jobId)) == null || "Pending".equals(pod.getStatus().getPhase())) {
        if (get(jobId).state().isTerminal()) {
          throw SentinelException.notFound("job " + jobId + " ended without a pod with logs");
        }
        sleep(1000);
      }
    }
    var container =
        access
            .client()
            .pods()
            .inNamespace(namespace)
            .withName(pod.getMetadata().getName())
            .inContainer(JobLauncher.CONTAINER);
    var tailed = tailLines == null ? container : container.tailingLines(tailLines);
    if (follow) {
      try (LogWatch watch = tailed.watchLog(out)) {
        // The stream ends when the container does.
        while (!latestPodFinished(jobId)) {
          sleep(500);
        }
        sleep(500); // let the last lines drain
      }
    } else {
      out.print(tailed.getLog());
      out.flush();
    }
  }

  private boolean latestPodFinished(String jobId) {
    Pod pod = latestPod(jobId);
    return pod == null
        || "Succeeded".equals(pod.getStatus().getPhase())
        || "Failed".equals(pod.getStatus().getPhase());
  }

  private Pod latestPod(String jobId) {
    return access
        .client()
        .pods()
        .inNamespace(namespace)
        .withLabel(Labels.JOB_ID, jobId)
        .list()
        .getItems()
        .stream()
        .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
        .orElse(null);
  }

  @Override
  public List<NodeView> nodes() {
    return monitor.read().nodes();
  }

  @Override
  public PassReport admit() {
    PassReport report =
        admitter(identity("cli"), AdmissionLease.HolderKind.CLI, CLI_LEASE).pass(true);
    deliverBriefly();
    return report;
  }

  @Override
  public List<DescribeSection> describeDetails(String jobId) {
    List<DescribeSection> sections = new ArrayList<>();
    String jobName = JobLauncher.jobName(jobId);
    Job job = access.client().batch().v1().jobs().inNamespace(namespace).withName(jobName).get();
    List<String> objects = new ArrayList<>();
    objects.add("ConfigMap/" + JobRecordStore.objectName(jobId) + " (record)");
    if (job != null) {
      var s = job.getStatus();
      objects.add(
          "Job/"
              + jobName
              + ": active "
              + n(s == null ? null : s.getActive())
              + ", succeeded "
              + n(s == null ? null : s.getSucceeded())
              + ", failed "
              + n(s == null ? null : s.getFailed()));
    }
    List<Pod> pods =
        access
            .client()
            .pods()
            .inNamespace(namespace)
            .withLabel(Labels.JOB_ID, jobId)
            .list()
            .getItems();
    for (Pod pod : pods) {
      objects.add(
          "Pod/"
              + pod.getMetadata().getName()
              + ": "
              + pod.getStatus().getPhase()
              + (pod.getSpec().getNodeName() == null ? "" : " on " + pod.getSpec().getNodeName()));
    }
    sections.add(new DescribeSection("Kubernetes objects (namespace " + namespace + ")", objects));
    List<String> events = new ArrayList<>();
    List<String> names = new ArrayList<>();
    names.add(jobName);
    pods.forEach(p -> names.add(p.getMetadata().getName()));
    for (String name : names) {
      for (Event event :
          access
              .client()
              .v1()
              .events()
              .inNamespace(namespace)
              .withField("involvedObject.name", name)
              .list()
              .getItems()) {
        events.add(
            String.format(
                "%-8s %-22s %-40s %s",
                event.getType(),
                event.getReason(),
                event.getInvolvedObject().getKind() + "/" + name,
                event.getMessage() == null ? "" : event.getMessage().replaceAll("\\s+", " ")));
      }
    }
    sections.add(new DescribeSection("Events", events.isEmpty() ? List.of("<none>") : events));
    return sections;
  }

  private static String n(Integer value) {
    return value == null ? "0" : value.toString();
  }

  @Override
  public void watch(
      Runnable onReady, java.util.function.Consumer<JobRecord> onChange, AtomicBoolean stop) {
    new JobWatch(access.client(), namespace, clock).run(onReady, onChange, stop);
  }

  @Override
  public void runScheduler(AtomicBoolean stop, PrintStream log) {
    String identity = identity("scheduler");
    Optional<ResourceAlerts> alerts = Optional.empty();
    if (hooks().configured()) {
      try {
        alerts =
            ResourceAlerts.configured(pluginsConfig(), hooks().host(), identity, target(), clock);
      } catch (dev.sentinels.api.plugin.PluginConfigException e) {
        log.printf("%s resource alerts off: %s%n", clock.instant(), e.getMessage());
      }
    }
    Optional<ResourceAlerts> checks = alerts;
    HookWorker worker =
        HookWorker.start(
            hooks(),
            hookStore(),
            identity,
            log,
            () -> checks.ifPresent(a -> a.check(observe(a), alertStore())));
    try {
      new ClusterScheduler(
              access.client(),
              namespace,
              admitter(identity, AdmissionLease.HolderKind.SCHEDULER, SCHEDULER_LEASE),
              clock,
              worker::wake)
          .run(stop, log);
    } finally {
      worker.close();
    }
  }

  @Override
  public void close() {
    if (hooks != null) {
      hooks.close();
    }
    access.close();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SentinelException(ExitCodes.FAILED, "interrupted");
    }
  }
}
