package dev.sentinels.cli.cluster;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.Resources;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.spec.SpecOverrides;
import dev.sentinels.cli.spec.SpecReader;
import dev.sentinels.testcluster.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

/** Backends on the test cluster, in a namespace of their own, and specs for simulated jobs. */
final class ClusterFixture {

  final TestCluster cluster;
  final String namespace;

  ClusterFixture(TestCluster cluster, String prefix) {
    this.cluster = cluster;
    this.namespace = cluster.createNamespace(prefix);
  }

  /** The adapter with its own client, as a separate CLI process would have. Close it. */
  KubernetesBackend backend() {
    KubernetesClient client = KubeConnection.connect(cluster.kubeconfig().toString(), null);
    return new KubernetesBackend(client, namespace, Clock.systemUTC());
  }

  /** The namespace's record store, with a client of its own. */
  JobRecordStore store() {
    return new JobRecordStore(
        KubeConnection.connect(cluster.kubeconfig().toString(), null), namespace);
  }

  /** The use cases over a backend of its own, as one CLI process has them. Close it. */
  Engine engine() {
    return new Engine(backend(), Clock.systemUTC());
  }

  /** A spec whose KWOK pod runs for {@code runFor}, succeeding or failing. */
  static JobSpec spec(
      String name, Resources request, String priority, Duration runFor, boolean fails) {
    SpecOverrides overrides =
        new SpecOverrides()
            .name(name)
            .image("busybox")
            .cpu(dev.sentinels.api.Quantities.formatCpu(request.cpuMillis()))
            .memory(dev.sentinels.api.Quantities.toKubernetesBytes(request.memoryBytes()))
            .gpus(Long.toString(request.gpus()))
            .set("annotations.sentinels.dev/kwok-duration=" + runFor.toMillis() + "ms");
    if (priority != null) {
      overrides.priority(priority);
    }
    if (fails) {
      overrides.set("annotations.sentinels.dev/kwok-fail=\"true\"");
    }
    return new SpecReader(dev.sentinels.api.QueueConfig.defaults()).fromOverrides(overrides);
  }

  static Resources cpus(long cores) {
    return new Resources(cores * 1000, 1L << 30, 0);
  }

  static Resources gpus(long count) {
    return new Resources(1000, 1L << 30, count);
  }

  /** Runs admission passes until the job satisfies {@code done}, as a waiting CLI does. */
  static JobRecord awaitJob(
      Engine backend, String id, Predicate<JobRecord> done, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    JobRecord job = backend.get(id);
    while (!done.test(job)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "job " + id + " did not get there in " + timeout + "; last: " + job);
      }
      sleep(300);
      backend.admit();
      job = backend.get(id);
    }
    return job;
  }

  /**
   * The use cases in {@code namespace} as the cluster's admin, with a client of its own. Close it.
   */
  static Engine adminEngine(TestCluster cluster, String namespace) {
    return new Engine(
        new KubernetesBackend(
            KubeConnection.connect(cluster.kubeconfig().toString(), null),
            namespace,
            Clock.systemUTC()),
        Clock.systemUTC());
  }

  /** Polls until {@code done}, failing with {@code what} after {@code timeout}. */
  static void await(String what, Duration timeout, java.util.function.BooleanSupplier done) {
    Instant deadline = Instant.now().plus(timeout);
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      sleep(250);
    }
  }

  /** Waits until the job leaves the queue, and checks that a scheduler (not a CLI) admitted it. */
  static JobRecord awaitAdmittedByScheduler(Engine engine, String id) {
    await(
        "a scheduler to admit " + id,
        Duration.ofSeconds(60),
        () -> engine.get(id).state() != dev.sentinels.api.JobState.QUEUED);
    JobRecord record = engine.get(id);
    String reason =
        record.timeline().stream()
            .filter(t -> t.state() == dev.sentinels.api.JobState.ADMITTED)
            .findFirst()
            .map(dev.sentinels.api.Transition::reason)
            .orElse("never admitted: " + record);
    if (!reason.startsWith("Admitted by scheduler/")) {
      throw new AssertionError(reason);
    }
    return record;
  }

  /** A one-CPU job in queue {@code solo}, read against the configuration the test wrote. */
  static dev.sentinels.api.JobSpec queued(String name, String priority, Duration runFor) {
    var config =
        dev.sentinels.cli.spec.QueueConfigReader.read(
            "priorityClasses: [{name: alpha, value: 1}, {name: beta, value: 2}]\n"
                + "queues: [{name: solo}]\n",
            "test");
    return new dev.sentinels.cli.spec.SpecReader(config)
        .fromOverrides(
            new dev.sentinels.cli.spec.SpecOverrides()
                .name(name)
                .image("busybox")
                .cpu("1")
                .priority(priority)
                .queue("solo")
                .set("annotations.sentinels.dev/kwok-duration=" + runFor.toMillis() + "ms"));
  }

  /** When the record was admitted, if it was. */
  static java.time.Instant admittedAt(JobRecord record) {
    return record.timeline().stream()
        .filter(t -> t.state() == dev.sentinels.api.JobState.ADMITTED)
        .map(dev.sentinels.api.Transition::at)
        .findFirst()
        .orElse(null);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The Kubernetes Jobs in this namespace. */
  io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          io.fabric8.kubernetes.api.model.batch.v1.Job,
          io.fabric8.kubernetes.api.model.batch.v1.JobList,
          io.fabric8.kubernetes.client.dsl.ScalableResource<
              io.fabric8.kubernetes.api.model.batch.v1.Job>>
      kubeJobs() {
    return cluster.admin().batch().v1().jobs().inNamespace(namespace);
  }

  /** The Kubernetes Job launched for {@code jobId}, or null. */
  io.fabric8.kubernetes.api.model.batch.v1.Job kubeJob(String jobId) {
    return kubeJobs().withName(JobLauncher.jobName(jobId)).get();
  }

  /**
   * {@code sentinel --kubeconfig K -n NS ARGS...} in this JVM: global flags before the verb, as
   * kubectl users write them.
   */
  dev.sentinels.cli.CliRun cli(String... args) {
    java.util.List<String> all =
        new java.util.ArrayList<>(
            java.util.List.of("--kubeconfig", cluster.kubeconfig().toString(), "-n", namespace));
    all.addAll(java.util.List.of(args));
    return dev.sentinels.cli.CliRun.of(all.toArray(String[]::new));
  }

  /** {@code sentinel scheduler} as a separate JVM on this namespace, output to {@code log}. */
  Process schedulerProcess(java.io.File log, String... jvmOptions) throws java.io.IOException {
    return dev.sentinels.cli.CliProcess.builder(
            java.util.List.of(jvmOptions),
            "scheduler",
            "--kubeconfig",
            cluster.kubeconfig().toString(),
            "-n",
            namespace)
        .redirectErrorStream(true)
        .redirectOutput(log)
        .start();
  }

  void deleteNamespace() {
    cluster.admin().namespaces().withName(namespace).delete();
  }
}
