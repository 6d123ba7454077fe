package dev.sentinels.cli.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The Kubernetes Jobs and pods Sentinels launched in a namespace, by job id. */
final class JobObjects {

  private static final String SELECTOR = Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE;

  private JobObjects() {}

  static Map<String, Job> jobsById(StreamingList.Fetch reads, String namespace) {
    Map<String, Job> byId = new HashMap<>();
    StreamingList.eachTyped(
        reads,
        "/apis/batch/v1/namespaces/" + namespace + "/jobs",
        SELECTOR,
        Job.class,
        job -> {
          String id = jobId(job);
          if (id != null) {
            byId.put(id, job);
          }
        });
    return byId;
  }

  static Map<String, List<Pod>> podsByJobId(StreamingList.Fetch reads, String namespace) {
    Map<String, List<Pod>> byId = new HashMap<>();
    StreamingList.eachTyped(
        reads,
        "/api/v1/namespaces/" + namespace + "/pods",
        SELECTOR,
        Pod.class,
        pod -> {
          String id = jobId(pod);
          if (id != null) {
            byId.computeIfAbsent(id, k -> new ArrayList<>()).add(pod);
          }
        });
    return byId;
  }

  private static String jobId(HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels == null ? null : labels.get(Labels.JOB_ID);
  }
}
