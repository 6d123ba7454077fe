package dev.sentinels.api.plugin;

import java.util.Map;

/**
 * The run a tracking backend created for a job.
 *
 * @param attributes facts to keep in the job record (run id, experiment id); keys must start with
 *     the plugin id and a dot, e.g. {@code mlflow.runId}
 * @param env environment variables for the job's process, e.g. {@code MLFLOW_RUN_ID}, so the
 *     training code continues this run
 */
public record TrackedRun(Map<String, String> attributes, Map<String, String> env) {
  public TrackedRun {
    attributes = Map.copyOf(attributes);
    env = Map.copyOf(env);
  }
}
