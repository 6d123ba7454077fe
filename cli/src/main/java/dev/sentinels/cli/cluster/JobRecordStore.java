package dev.sentinels.cli.cluster;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.engine.port.JobStore;
import dev.sentinels.cli.engine.port.StoredRecord;
import dev.sentinels.cli.plugin.ResourceAlerts;
import dev.sentinels.cli.support.RecordCodec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Job records as ConfigMaps, one per experiment ({@code sentinel-<id>}), labelled so lists filter
 * server-side by state, queue and user. Every replace is conditional on the resourceVersion read
 * (optimistic concurrency). Resource alert episodes live beside them ({@link AlertsConfigMap}).
 */
final class JobRecordStore implements JobStore {

  /** Page size for lists: bounded memory per response, many records per round trip. */
  static final long PAGE_SIZE = 2000;

  /** Conditional writes in flight at once during a pass: they hide the round-trip latency. */
  private static final int WRITERS = 32;

  private static final String RECORDS =
      Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE + "," + Labels.COMPONENT + "=job-record";

  private final KubeAccess access;
  private final String namespace;

  JobRecordStore(KubeAccess access, String namespace) {
    this.access = access;
    this.namespace = namespace;
  }

  JobRecordStore(KubernetesClient client, String namespace) {
    this(KubeAccess.of(client), namespace);
  }

  static String objectName(String jobId) {
    return "sentinel-" + jobId;
  }

  @Override
  public int writeConcurrency() {
    return WRITERS;
  }

  @Override
  public boolean create(JobRecord record) {
    return write(toConfigMap(record, null), true).isPresent();
  }

  @Override
  public Optional<StoredRecord> get(String jobId) {
    var map =
        StreamingList.getOne(
            access.reads(), "/api/v1/namespaces/" + namespace + "/configmaps/" + objectName(jobId));
    if (map == null || !map.path("data").hasNonNull(Labels.RECORD_KEY)) {
      return Optional.empty();
    }
    return Optional.of(
        new StoredRecord(
            RecordCodec.fromJson(map.path("data").get(Labels.RECORD_KEY).asString()),
            map.path("metadata").path("resourceVersion").asString()));
  }

  @Override
  public Optional<StoredRecord> replace(JobRecord record, String resourceVersion) {
    return write(toConfigMap(record, resourceVersion), false)
        .map(written -> new StoredRecord(record, written.getMetadata().getResourceVersion()));
  }

  /** A conditional delete: the API server refuses it (409) once the record moved on. */
  @Override
  public boolean delete(String id, String resourceVersion) {
    try {
      var deleted =
          access
              .client()
              .configMaps()
              .inNamespace(namespace)
              .withName(objectName(id))
              .lockResourceVersion(resourceVersion)
              .delete();
      return !deleted.isEmpty();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT
          || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Creates (no resourceVersion), or replaces conditionally; empty when the name is taken (create)
   * or the object moved on or is gone (replace). A missing namespace on create is an error, not a
   * taken name.
   */
  private Optional<ConfigMap> write(ConfigMap map, boolean create) {
    try {
      var resource = access.client().configMaps().inNamespace(namespace).resource(map);
      return Optional.of(create ? resource.create() : resource.update());
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT
          || (!create && e.getCode() == HttpURLConnection.HTTP_NOT_FOUND)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public List<StoredRecord> list(Set<JobState> states) {
    StringBuilder selector = new StringBuilder(RECORDS);
    if (!states.isEmpty()) {
      selector.append(',').append(Labels.STATE).append(" in (");
      selector.append(String.join(",", states.stream().map(JobState::display).toList()));
      selector.append(')');
    }
    return listSelected(selector.toString());
  }

  private List<StoredRecord> listSelected(String selector) {
    List<StoredRecord> result = new ArrayList<>();
    StreamingList.each(
        access.reads(),
        "/api/v1/namespaces/" + namespace + "/configmaps",
        selector,
        null,
        Set.of("data"),
        item -> {
          var data = item.fields().get("data");
          if (data != null && data.hasNonNull(Labels.RECORD_KEY)) {
            result.add(
                new StoredRecord(
                    RecordCodec.fromJson(data.get(Labels.RECORD_KEY).asString()),
                    item.resourceVersion()));
          }
        });
    return result;
  }

  /** Found by label server-side: few at any time. */
  @Override
  public List<JobRecord> pendingHooks() {
    return listSelected(RECORDS + "," + Labels.HOOKS + "=pending").stream()
        .map(StoredRecord::record)
        .toList();
  }

  @Override
  public ResourceAlerts.EpisodeStore alertEpisodes() {
    return new AlertsConfigMap(
        access, namespace, map -> write(map, map.getMetadata().getResourceVersion() == null));
  }

  private ConfigMap toConfigMap(JobRecord record, String resourceVersion) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(objectName(record.id()))
        .withNamespace(namespace)
        .withResourceVersion(resourceVersion)
        .addToLabels(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
        .addToLabels(Labels.COMPONENT, "job-record")
        .addToLabels(Labels.JOB_ID, record.id())
        .addToLabels(Labels.QUEUE, Labels.labelValue(record.spec().queueOrDefault()))
        .addToLabels(Labels.STATE, record.state().display())
        .addToLabels(Labels.PRIORITY, Labels.labelValue(record.spec().priority()))
        .addToLabels(Labels.USER, Labels.labelValue(record.user()))
        .addToLabels(
            Labels.HOOKS,
            record.attributes().containsKey(JobRecord.HOOKS_PENDING) ? "pending" : null)
        .endMetadata()
        .addToData(Labels.RECORD_KEY, RecordCodec.toJson(record))
        .build();
  }
}
