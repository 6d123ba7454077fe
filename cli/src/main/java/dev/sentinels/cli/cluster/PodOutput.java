package dev.sentinels.cli.cluster;

import dev.sentinels.cli.engine.port.JobOutput;
import dev.sentinels.cli.support.Sleeping;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.dsl.Loggable;
import io.fabric8.kubernetes.client.dsl.TailPrettyLoggable;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** A job's output from its latest pod's main container, as {@code kubectl logs} reads it. */
final class PodOutput implements JobOutput {

  private final KubernetesClient client;
  private final String namespace;
  private final String jobId;
  private final String pod;

  private PodOutput(KubernetesClient client, String namespace, String jobId, String pod) {
    this.client = client;
    this.namespace = namespace;
    this.jobId = jobId;
    this.pod = pod;
  }

  /** The latest pod's output, once that pod is past Pending (its container has started). */
  static Optional<JobOutput> latest(KubernetesClient client, String namespace, String jobId) {
    Pod pod = latestPod(client, namespace, jobId);
    if (pod == null || "Pending".equals(pod.getStatus().getPhase())) {
      return Optional.empty();
    }
    return Optional.of(new PodOutput(client, namespace, jobId, pod.getMetadata().getName()));
  }

  @Override
  public void copy(
      Integer tailLines, Instant since, boolean follow, BooleanSupplier jobEnded, PrintStream out) {
    var container =
        client.pods().inNamespace(namespace).withName(pod).inContainer(JobLauncher.CONTAINER);
    // The API takes whole seconds (RFC 3339): rounding down keeps every line asked for.
    TailPrettyLoggable timed =
        since == null
            ? container
            : container.sinceTime(since.truncatedTo(ChronoUnit.SECONDS).toString());
    Loggable tailed = tailLines == null ? timed : timed.tailingLines(tailLines);
    if (!follow) {
      out.print(tailed.getLog());
      out.flush();
      return;
    }
    try (LogWatch watch = tailed.watchLog(out)) {
      // The stream ends when the container does; the pod's phase says when that was.
      while (!finished() && !Thread.currentThread().isInterrupted()) {
        Sleeping.sleep(500);
      }
      Sleeping.sleep(500); // let the last lines drain
    }
  }

  private boolean finished() {
    Pod latest = latestPod(client, namespace, jobId);
    return latest == null
        || "Succeeded".equals(latest.getStatus().getPhase())
        || "Failed".equals(latest.getStatus().getPhase());
  }

  private static Pod latestPod(KubernetesClient client, String namespace, String jobId) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabel(Labels.JOB_ID, jobId)
        .list()
        .getItems()
        .stream()
        .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
        .orElse(null);
  }
}
