package dev.sentinels.cli.cluster;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.engine.port.Capacity;
import dev.sentinels.cli.engine.port.DescribeSection;
import dev.sentinels.cli.engine.port.JobOutput;
import dev.sentinels.cli.engine.port.JobRuntime;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Jobs as batch/v1 Jobs in one namespace: states read off the Jobs and their pods ({@link
 * JobStatusDeriver}), capacity off the nodes, output from the latest pod.
 */
final class ClusterRuntime implements JobRuntime {

  /** How long the cluster's PriorityClasses are trusted before they are listed again. */
  private static final Duration PRIORITY_CLASSES_FOR = Duration.ofSeconds(30);

  private final KubeAccess access;
  private final String namespace;
  private final JobRecordStore store;
  private final JobLauncher launcher;
  private final ResourceMonitor monitor;
  private final Clock clock;
  private Set<String> priorityClasses;
  private Instant priorityClassesAt = Instant.EPOCH;
  private final CapacitySnapshot snapshot;
  private volatile LastRead lastRead;

  /** The capacity this process last read, and when: one value, so the two never disagree. */
  private record LastRead(Capacity capacity, Instant at) {}

  ClusterRuntime(KubeAccess access, String namespace, JobRecordStore store, Clock clock) {
    this.access = access;
    this.namespace = namespace;
    this.store = store;
    this.launcher = new JobLauncher(access, namespace);
    this.monitor = new ResourceMonitor(access);
    this.snapshot = new CapacitySnapshot(access, namespace);
    this.clock = clock;
  }

  /**
   * Nodes and their pods as the API server says now; for a user who may not list them, the snapshot
   * the scheduler keeps in the namespace, when there is one.
   */
  @Override
  public Capacity capacity() {
    try {
      Capacity read = monitor.read();
      lastRead = new LastRead(read, clock.instant());
      return read;
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getCode() != java.net.HttpURLConnection.HTTP_FORBIDDEN) {
        throw e;
      }
      return CapacitySnapshot.read(access, namespace).orElseThrow(() -> e);
    }
  }

  /** The scheduler, after a pass: the capacity it read, for those who may not read it. */
  void publishCapacity() {
    LastRead read = lastRead;
    if (read != null) {
      snapshot.publish(read.capacity(), read.at());
    }
  }

  /** The namespace's Jobs and pods, read once for many records. */
  private record JobsAndPods(Map<String, JsonNode> jobs, Map<String, List<JsonNode>> pods) {
    static JobsAndPods read(KubeAccess access, String namespace) {
      return new JobsAndPods(
          JobObjects.jobsById(access.reads(), namespace),
          JobObjects.podsByJobId(access.reads(), namespace));
    }

    Optional<JobRecord> derive(JobRecord record, Instant now) {
      return JobStatusDeriver.derive(
          record, jobs.get(record.id()), pods.getOrDefault(record.id(), List.of()), now);
    }
  }

  @Override
  public List<JobRecord> observe(List<JobRecord> records) {
    if (records.stream().noneMatch(r -> r.state().isActive())) {
      return records;
    }
    JobsAndPods objects = JobsAndPods.read(access, namespace);
    Instant now = clock.instant();
    List<JobRecord> live = new ArrayList<>(records.size());
    for (JobRecord record : records) {
      live.add(objects.derive(record, now).orElse(record));
    }
    return live;
  }

  @Override
  public List<JobRecord> reconcile(Collection<JobRecord> live) {
    JobsAndPods objects = JobsAndPods.read(access, namespace);
    Instant now = clock.instant();
    List<JobRecord> changed = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (JobRecord record : live) {
      ids.add(record.id());
      if (!record.state().isActive()) {
        continue;
      }
      if (!objects.jobs().containsKey(record.id()) && record.state() == JobState.ADMITTED) {
        // Admitted, then the writer died before creating the Job (or it was deleted).
        Instant admittedAt = record.enteredAt(JobState.ADMITTED);
        if (admittedAt == null || admittedAt.plus(JobStatusDeriver.RELAUNCH_AFTER).isBefore(now)) {
          launch(record);
        }
        continue;
      }
      objects.derive(record, now).ifPresent(changed::add);
    }
    removeOrphans(objects.jobs(), ids);
    return changed;
  }

  /**
   * A Job still running for a record that is cancelled (a cancel raced a launch), or that failed on
   * its image (the kubelet would back off and pull again for ever): delete it.
   */
  private void removeOrphans(Map<String, JsonNode> jobs, Set<String> live) {
    for (Map.Entry<String, JsonNode> entry : jobs.entrySet()) {
      String id = entry.getKey();
      if (live.contains(id) || JobStatusDeriver.isFinished(entry.getValue())) {
        continue;
      }
      var stored = store.get(id);
      if (stored.isEmpty()
          || stored.get().record().state() == JobState.CANCELLED
          || JobStatusDeriver.isImageFailure(stored.get().record())) {
        launcher.delete(id);
      }
    }
  }

  @Override
  public void launch(JobRecord admitted) {
    launcher.launch(admitted, priorityClasses());
  }

  @Override
  public void stop(JobRecord record) {
    launcher.delete(record.id());
  }

  @Override
  public Optional<JobOutput> output(JobRecord record) {
    return PodOutput.latest(access.client(), namespace, record.id());
  }

  @Override
  public List<DescribeSection> describe(JobRecord record) {
    return ClusterDescription.of(access.client(), namespace, record.id());
  }

  @Override
  public boolean watch(Runnable onReady, Consumer<JobRecord> onChange, AtomicBoolean stop) {
    new JobWatch(access.client(), namespace, clock).run(onReady, onChange, stop);
    return true;
  }

  /** PriorityClasses the cluster defines (a Job may only name those); none when not listable. */
  private synchronized Set<String> priorityClasses() {
    Instant now = clock.instant();
    if (priorityClasses == null || priorityClassesAt.plus(PRIORITY_CLASSES_FOR).isBefore(now)) {
      Set<String> names = new HashSet<>();
      try {
        access
            .client()
            .scheduling()
            .v1()
            .priorityClasses()
            .list()
            .getItems()
            .forEach(p -> names.add(p.getMetadata().getName()));
      } catch (KubernetesClientException e) {
        if (e.getCode() != 403) {
          throw e;
        }
      }
      priorityClasses = Set.copyOf(names);
      priorityClassesAt = now;
    }
    return priorityClasses;
  }
}
