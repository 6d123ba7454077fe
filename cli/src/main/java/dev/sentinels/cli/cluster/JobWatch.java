package dev.sentinels.cli.cluster;

import dev.sentinels.api.JobRecord;
import dev.sentinels.cli.support.RecordCodec;
import dev.sentinels.cli.support.Sleeping;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * {@code status --watch} on a cluster: watches the records, Jobs and pods of a namespace and
 * reports a job's live record whenever any of its objects changes. Only the jobs that changed are
 * re-derived, from the watches' caches, so a quiet namespace costs nothing however many jobs it
 * holds.
 */
final class JobWatch {

  private static final long BATCH_MILLIS = 200;
  private static final String BY_JOB_ID = "job-id";

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;
  private final Set<String> changed = ConcurrentHashMap.newKeySet();

  JobWatch(KubernetesClient client, String namespace, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.clock = clock;
  }

  void run(Runnable onReady, Consumer<JobRecord> onChange, AtomicBoolean stop) {
    List<SharedIndexInformer<?>> informers = new ArrayList<>();
    try {
      SharedIndexInformer<ConfigMap> records =
          start(ManagedObjects.records(client, namespace), informers);
      SharedIndexInformer<Job> jobs = start(ManagedObjects.jobs(client, namespace), informers);
      SharedIndexInformer<Pod> pods = start(ManagedObjects.pods(client, namespace), informers);
      // The first listing marks every job; the caller drops what its own listing has shown.
      onReady.run();
      while (!stop.get() && !Thread.currentThread().isInterrupted()) {
        Sleeping.sleep(BATCH_MILLIS);
        for (String id : List.copyOf(changed)) {
          changed.remove(id);
          live(id, records, jobs, pods).ifPresent(onChange);
        }
      }
    } finally {
      informers.forEach(SharedIndexInformer::close);
    }
  }

  private java.util.Optional<JobRecord> live(
      String id,
      SharedIndexInformer<ConfigMap> records,
      SharedIndexInformer<Job> jobs,
      SharedIndexInformer<Pod> pods) {
    ConfigMap map = records.getStore().getByKey(namespace + "/" + JobRecordStore.objectName(id));
    if (map == null || map.getData() == null || !map.getData().containsKey(Labels.RECORD_KEY)) {
      return java.util.Optional.empty();
    }
    JobRecord record = RecordCodec.fromJson(map.getData().get(Labels.RECORD_KEY));
    if (!record.state().isActive()) {
      return java.util.Optional.of(record);
    }
    Job job = jobs.getStore().getByKey(namespace + "/" + JobLauncher.jobName(id));
    List<JsonNode> podTrees =
        pods.getIndexer().byIndex(BY_JOB_ID, id).stream().map(this::tree).toList();
    return java.util.Optional.of(
        JobStatusDeriver.derive(record, job == null ? null : tree(job), podTrees, clock.instant())
            .orElse(record));
  }

  /** The object's spec and status as the list path reads them. */
  private JsonNode tree(HasMetadata object) {
    return StreamingList.MAPPER.readTree(client.getKubernetesSerialization().asJson(object));
  }

  private <T extends HasMetadata> ResourceEventHandler<T> marking() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        mark(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        mark(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        mark(obj);
      }
    };
  }

  private void mark(HasMetadata object) {
    String id = labels(object).get(Labels.JOB_ID);
    if (id != null) {
      changed.add(id);
    }
  }

  private static Map<String, String> labels(HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  /** Indexes by job id, subscribes, starts, and waits for the first full listing. */
  private <T extends HasMetadata> SharedIndexInformer<T> start(
      Informable<T> source, List<SharedIndexInformer<?>> all) {
    SharedIndexInformer<T> informer = source.runnableInformer(0);
    all.add(informer);
    informer.addIndexers(
        Map.of(
            BY_JOB_ID,
            object ->
                java.util.Optional.ofNullable(labels(object).get(Labels.JOB_ID)).stream()
                    .toList()));
    informer.addEventHandler(marking());
    informer.start().toCompletableFuture().join();
    return informer;
  }
}
