package dev.sentinels.cli.plugin;

import dev.sentinels.api.JobRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Environment variables plugins asked for a job (e.g. {@code MLFLOW_RUN_ID}), kept in its record as
 * attributes {@code env.NAME} when it was queued. Whatever launches the job (a Kubernetes Job, a
 * local process) adds them, without loading any plugin.
 */
public final class PluginEnv {

  /** Attribute prefix: {@code env.MLFLOW_RUN_ID = 1f3a...}. */
  public static final String PREFIX = "env.";

  private PluginEnv() {}

  /** The variables, in name order; a spec's own env should be applied after, and win. */
  public static Map<String, String> of(JobRecord record) {
    Map<String, String> env = new LinkedHashMap<>();
    record
        .attributes()
        .forEach(
            (key, value) -> {
              if (key.startsWith(PREFIX) && key.length() > PREFIX.length()) {
                env.put(key.substring(PREFIX.length()), value);
              }
            });
    return env;
  }
}
