package dev.sentinels.cli.cluster;

import dev.sentinels.api.DataMount;
import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.Quantities;
import dev.sentinels.api.Resources;
import dev.sentinels.cli.engine.JobEnvironment;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an admitted record into a batch/v1 Job. The Job's name is derived from the job id, so
 * launching twice (a retry, or two admitters rolling the same intent forward) creates it once.
 */
final class JobLauncher {

  static final String CONTAINER = "main";
  static final String GPU_RESOURCE = "nvidia.com/gpu";

  /** Pod label: the spec's project (the MLflow experiment), as a valid label value. */
  static final String PROJECT_LABEL = "sentinels.dev/project";

  private final KubeAccess access;
  private final String namespace;

  JobLauncher(KubeAccess access, String namespace) {
    this.access = access;
    this.namespace = namespace;
  }

  static String jobName(String jobId) {
    return "sentinel-" + jobId;
  }

  /** Creates the Job unless it exists; {@code priorityClasses} are those the cluster defines. */
  void launch(JobRecord record, Set<String> priorityClasses) {
    try {
      access
          .client()
          .batch()
          .v1()
          .jobs()
          .inNamespace(namespace)
          .resource(manifest(record, priorityClasses))
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
  }

  /** Deletes the Job and its pods (foreground cascade is not needed: pods go with it). */
  void delete(String jobId) {
    access
        .client()
        .batch()
        .v1()
        .jobs()
        .inNamespace(namespace)
        .withName(jobName(jobId))
        .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND)
        .delete();
  }

  Job manifest(JobRecord record, Set<String> priorityClasses) {
    JobSpec spec = record.spec();
    Map<String, String> labels = new LinkedHashMap<>();
    spec.labels().forEach(labels::put);
    labels.put(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
    labels.put(Labels.COMPONENT, "job");
    labels.put(Labels.JOB_ID, record.id());
    labels.put(Labels.QUEUE, Labels.labelValue(spec.queueOrDefault()));
    labels.put(Labels.USER, Labels.labelValue(record.user()));
    // The log shipper copies it into each line (sentinels.project), so lines are found by project.
    String project = Labels.labelValue(spec.project());
    if (!project.isEmpty()) {
      labels.put(PROJECT_LABEL, project);
    }

    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    for (DataMount data : spec.data()) {
      VolumeBuilder volume = new VolumeBuilder().withName(data.name());
      if (data.claim() != null) {
        volume.withNewPersistentVolumeClaim(data.claim(), true);
      } else {
        volume.withNewHostPath().withPath(data.hostPath()).withType("Directory").endHostPath();
      }
      volumes.add(volume.build());
      mounts.add(
          new VolumeMountBuilder()
              .withName(data.name())
              .withMountPath(data.mountPath())
              .withSubPath(data.subPath())
              .withReadOnly(true)
              .build());
    }

    String priorityClass =
        spec.priority() != null && priorityClasses.contains(spec.priority())
            ? spec.priority()
            : null;
    return new JobBuilder()
        .withNewMetadata()
        .withName(jobName(record.id()))
        .withNamespace(namespace)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(spec.retries())
        .withActiveDeadlineSeconds(spec.timeout() == null ? null : spec.timeout().toSeconds())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(spec.annotations())
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withPriorityClassName(priorityClass)
        .withNodeSelector(spec.nodeSelector().isEmpty() ? null : spec.nodeSelector())
        .withTolerations(tolerations(spec))
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(spec.image())
        .withCommand(spec.command().isEmpty() ? null : spec.command())
        .withArgs(spec.args().isEmpty() ? null : spec.args())
        .withEnv(environment(record))
        .withNewResources()
        .withRequests(requests(spec.resources()))
        .withLimits(limits(spec.resources()))
        .endResources()
        .withVolumeMounts(mounts)
        .endContainer()
        .withVolumes(volumes)
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * What every job sees: its id, its params one by one and as JSON, what plugins asked for (e.g.
   * MLFLOW_RUN_ID), then the spec's env, which wins.
   */
  static List<EnvVar> environment(JobRecord record) {
    List<EnvVar> env = new ArrayList<>();
    JobEnvironment.of(record, record.spec().artifacts())
        .forEach((name, value) -> env.add(new EnvVar(name, value, null)));
    return env;
  }

  private static List<io.fabric8.kubernetes.api.model.Toleration> tolerations(JobSpec spec) {
    List<io.fabric8.kubernetes.api.model.Toleration> tolerations = new ArrayList<>();
    for (dev.sentinels.api.Toleration t : spec.tolerations()) {
      tolerations.add(
          new io.fabric8.kubernetes.api.model.TolerationBuilder()
              .withKey(t.key())
              .withOperator(t.operator())
              .withValue(t.value())
              .withEffect(t.effect())
              .build());
    }
    return tolerations.isEmpty() ? null : tolerations;
  }

  private static Map<String, Quantity> requests(Resources resources) {
    Map<String, Quantity> requests = new LinkedHashMap<>();
    requests.put("cpu", new Quantity(Quantities.formatCpu(resources.cpuMillis())));
    requests.put("memory", new Quantity(Quantities.toKubernetesBytes(resources.memoryBytes())));
    if (resources.gpus() > 0) {
      requests.put(GPU_RESOURCE, new Quantity(Long.toString(resources.gpus())));
    }
    return requests;
  }

  /** Memory is capped at the request so one job cannot starve its neighbours; GPUs must match. */
  private static Map<String, Quantity> limits(Resources resources) {
    Map<String, Quantity> limits = new LinkedHashMap<>();
    limits.put("memory", new Quantity(Quantities.toKubernetesBytes(resources.memoryBytes())));
    if (resources.gpus() > 0) {
      limits.put(GPU_RESOURCE, new Quantity(Long.toString(resources.gpus())));
    }
    return limits;
  }
}
