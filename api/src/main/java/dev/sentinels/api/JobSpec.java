package dev.sentinels.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a data scientist asked for: a validated, fully resolved experiment description. Built by the
 * CLI's spec reader from YAML and flags; the backends run it as given.
 *
 * @param name DNS-1123 label, at most {@link #MAX_NAME_LENGTH} characters; the job id starts with
 *     it
 * @param project groups experiments (the MLflow experiment name)
 * @param image container image; on the local backend without a container engine, informational
 * @param command entrypoint; empty keeps the image's
 * @param args arguments; {@code ${params.NAME}} in command and args is replaced by the parameter
 * @param env environment variables for the job
 * @param params hyper-parameters, passed to the job and recorded, in the order written
 * @param resources requests (and limits, for GPUs) of the job's single container
 * @param priority priority class name; null means the queue configuration's default
 * @param queue queue name; null means {@code default}
 * @param data read-only data mounts
 * @param artifacts directory inside the job where it writes artifacts; null for none
 * @param timeout wall-clock limit of a run; null for none
 * @param retries how many times a failed run is retried (0: never)
 * @param labels free-form labels, copied onto the job's Kubernetes objects
 * @param annotations annotations for the job's pod (e.g. for admission webhooks or sidecars)
 * @param nodeSelector node labels the job's pod needs, as Kubernetes' {@code nodeSelector}
 * @param tolerations taints the job's pod tolerates, as Kubernetes' {@code tolerations}
 */
public record JobSpec(
    String name,
    String project,
    String image,
    List<String> command,
    List<String> args,
    Map<String, String> env,
    Map<String, String> params,
    Resources resources,
    String priority,
    String queue,
    List<DataMount> data,
    String artifacts,
    Duration timeout,
    int retries,
    Map<String, String> labels,
    Map<String, String> annotations,
    Map<String, String> nodeSelector,
    List<Toleration> tolerations) {

  /** Leaves room in Kubernetes' 63-character names for the id suffix and prefixes. */
  public static final int MAX_NAME_LENGTH = 40;

  public static final String DEFAULT_QUEUE = "default";

  public JobSpec {
    command = command == null ? List.of() : List.copyOf(command);
    args = args == null ? List.of() : List.copyOf(args);
    env =
        env == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
    params =
        params == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    annotations =
        annotations == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(annotations));
    labels =
        labels == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
    data = data == null ? List.of() : List.copyOf(data);
    nodeSelector =
        nodeSelector == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(nodeSelector));
    tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
    resources = resources == null ? Resources.ZERO : resources;
  }

  /** A copy in another priority class. */
  public JobSpec withPriority(String priorityClass) {
    return new JobSpec(
        name,
        project,
        image,
        command,
        args,
        env,
        params,
        resources,
        priorityClass,
        queue,
        data,
        artifacts,
        timeout,
        retries,
        labels,
        annotations,
        nodeSelector,
        tolerations);
  }

  /** The queue, with the default filled in. */
  public String queueOrDefault() {
    return queue == null ? DEFAULT_QUEUE : queue;
  }
}
