package dev.sentinels.cli.engine;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.cli.support.RecordCodec;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The environment every job sees, on any backend. */
public final class JobEnvironment {

  private JobEnvironment() {}

  /**
   * Its id, its params one by one ({@code SENTINEL_PARAM_LR}) and as JSON, the artifacts directory
   * ({@code artifactsDir}, null for none), what plugins asked for (e.g. {@code MLFLOW_RUN_ID}),
   * then the spec's env, which wins.
   */
  public static Map<String, String> of(JobRecord record, String artifactsDir) {
    JobSpec spec = record.spec();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SENTINEL_JOB_ID", record.id());
    env.put("SENTINEL_JOB_NAME", spec.name());
    if (spec.project() != null) {
      env.put("SENTINEL_PROJECT", spec.project());
    }
    env.put("SENTINEL_PARAMS", RecordCodec.mapper().writeValueAsString(spec.params()));
    spec.params().forEach((name, value) -> env.put("SENTINEL_PARAM_" + envName(name), value));
    if (artifactsDir != null) {
      env.put("SENTINEL_ARTIFACTS_DIR", artifactsDir);
    }
    env.putAll(dev.sentinels.cli.plugin.PluginEnv.of(record));
    env.putAll(spec.env());
    return env;
  }

  static String envName(String param) {
    return param.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
  }
}
