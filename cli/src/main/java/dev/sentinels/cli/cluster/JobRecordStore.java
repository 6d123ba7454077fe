package dev.sentinels.cli.cluster;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.backend.RecordCodec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Job records as ConfigMaps, one per experiment ({@code sentinel-<id>}), labelled so lists filter
 * server-side by state, queue and user. Every update is conditional on the resourceVersion read
 * (optimistic concurrency): a concurrent writer makes it fail with {@link StaleRecordException}.
 */
final class JobRecordStore {

  /** Page size for lists: bounded memory per response, many records per round trip. */
  static final long PAGE_SIZE = 2000;

  private final KubeAccess access;
  private final String namespace;

  JobRecordStore(KubeAccess access, String namespace) {
    this.access = access;
    this.namespace = namespace;
  }

  JobRecordStore(KubernetesClient client, String namespace) {
    this(KubeAccess.of(client), namespace);
  }

  /** A record as stored, with the resourceVersion that conditional updates must present. */
  record Stored(JobRecord record, String resourceVersion) {}

  /** Thrown when a conditional write lost against a concurrent one. Re-read and decide again. */
  static final class StaleRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StaleRecordException(String id) {
      super("job " + id + " changed concurrently");
    }
  }

  static String objectName(String jobId) {
    return "sentinel-" + jobId;
  }

  /** Creates the record; false when a record with this id exists already (pick another id). */
  boolean create(JobRecord record) {
    try {
      access
          .client()
          .configMaps()
          .inNamespace(namespace)
          .resource(toConfigMap(record, null))
          .create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return false;
      }
      throw e;
    }
  }

  Optional<Stored> get(String jobId) {
    var map =
        StreamingList.getOne(
            access.reads(), "/api/v1/namespaces/" + namespace + "/configmaps/" + objectName(jobId));
    if (map == null || !map.path("data").hasNonNull(Labels.RECORD_KEY)) {
      return Optional.empty();
    }
    return Optional.of(
        new Stored(
            RecordCodec.fromJson(map.path("data").get(Labels.RECORD_KEY).asString()),
            map.path("metadata").path("resourceVersion").asString()));
  }

  /** Replaces the record if it is still at {@code resourceVersion}; returns the new version. */
  Stored update(JobRecord record, String resourceVersion) {
    try {
      ConfigMap written =
          access
              .client()
              .configMaps()
              .inNamespace(namespace)
              .resource(toConfigMap(record, resourceVersion))
              .update();
      return new Stored(record, written.getMetadata().getResourceVersion());
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT
          || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        throw new StaleRecordException(record.id());
      }
      throw e;
    }
  }

  /** Records in any of {@code states} (all when empty), paginated and filtered server-side. */
  List<Stored> list(JobState... states) {
    StringBuilder selector =
        new StringBuilder(Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE)
            .append(',')
            .append(Labels.COMPONENT)
            .append("=job-record");
    if (states.length > 0) {
      selector.append(',').append(Labels.STATE).append(" in (");
      selector.append(String.join(",", Arrays.stream(states).map(JobState::display).toList()));
      selector.append(')');
    }
    return listSelected(selector.toString());
  }

  private List<Stored> listSelected(String selector) {
    List<Stored> result = new ArrayList<>();
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
                new Stored(
                    RecordCodec.fromJson(data.get(Labels.RECORD_KEY).asString()),
                    item.resourceVersion()));
          }
        });
    return result;
  }

  /** Records with plugin work pending, found by label server-side (few at any time). */
  List<Stored> pendingHooks() {
    return listSelected(
        Labels.MANAGED_BY
            + "="
            + Labels.MANAGED_BY_VALUE
            + ","
            + Labels.COMPONENT
            + "=job-record,"
            + Labels.HOOKS
            + "=pending");
  }

  /**
   * Applies {@code change} to the current record and writes it conditionally, re-reading on
   * conflict; {@code change} returns null to leave it. Empty when declined or gone.
   */
  Optional<JobRecord> update(String jobId, java.util.function.UnaryOperator<JobRecord> change) {
    for (int attempt = 0; attempt < 20; attempt++) {
      Optional<Stored> stored = get(jobId);
      if (stored.isEmpty()) {
        return Optional.empty();
      }
      JobRecord next = change.apply(stored.get().record());
      if (next == null) {
        return Optional.empty();
      }
      try {
        update(next, stored.get().resourceVersion());
        return Optional.of(next);
      } catch (StaleRecordException e) {
        // re-read and decide again
      }
    }
    throw new StaleRecordException(jobId);
  }

  private static boolean isRecord(ConfigMap map) {
    return map.getData() != null && map.getData().containsKey(Labels.RECORD_KEY);
  }

  static Stored fromConfigMap(ConfigMap map) {
    JobRecord record = RecordCodec.fromJson(map.getData().get(Labels.RECORD_KEY));
    return new Stored(record, map.getMetadata().getResourceVersion());
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
