package dev.sentinels.cli.cluster;

import dev.sentinels.cli.engine.port.DescribeSection;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;

/** {@code describe}'s cluster part: the job's Kubernetes objects and their events. */
final class ClusterDescription {

  private ClusterDescription() {}

  static List<DescribeSection> of(KubernetesClient client, String namespace, String jobId) {
    String jobName = JobLauncher.jobName(jobId);
    Job job = client.batch().v1().jobs().inNamespace(namespace).withName(jobName).get();
    List<String> objects = new ArrayList<>();
    objects.add("ConfigMap/" + JobRecordStore.objectName(jobId) + " (record)");
    if (job != null) {
      var s = job.getStatus();
      objects.add(
          "Job/"
              + jobName
              + ": active "
              + count(s == null ? null : s.getActive())
              + ", succeeded "
              + count(s == null ? null : s.getSucceeded())
              + ", failed "
              + count(s == null ? null : s.getFailed()));
    }
    List<Pod> pods =
        client.pods().inNamespace(namespace).withLabel(Labels.JOB_ID, jobId).list().getItems();
    for (Pod pod : pods) {
      objects.add(
          "Pod/"
              + pod.getMetadata().getName()
              + ": "
              + pod.getStatus().getPhase()
              + (pod.getSpec().getNodeName() == null ? "" : " on " + pod.getSpec().getNodeName()));
    }
    List<String> names = new ArrayList<>();
    names.add(jobName);
    pods.forEach(p -> names.add(p.getMetadata().getName()));
    List<String> events = new ArrayList<>();
    for (String name : names) {
      for (Event event :
          client
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
    return List.of(
        new DescribeSection("Kubernetes objects (namespace " + namespace + ")", objects),
        new DescribeSection("Events", events.isEmpty() ? List.of("<none>") : events));
  }

  private static String count(Integer value) {
    return value == null ? "0" : value.toString();
  }
}
