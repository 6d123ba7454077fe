package dev.sentinels.api.plugin;

import java.time.Instant;
import java.util.Map;

/**
 * A tracked run as the tracking backend knows it, for {@code sentinel runs} and {@code compare}.
 *
 * @param runId the backend's id for the run
 * @param jobId the Sentinels job id tagged on the run, or null for runs made elsewhere
 * @param name the run's name
 * @param status the backend's status, e.g. {@code FINISHED}
 * @param startedAt when it started, or null
 * @param params parameters logged
 * @param metrics latest value of each metric
 * @param link a URL for people, or null
 */
public record RunSummary(
    String runId,
    String jobId,
    String name,
    String status,
    Instant startedAt,
    Map<String, String> params,
    Map<String, Double> metrics,
    String link) {
  public RunSummary {
    params = Map.copyOf(params);
    metrics = Map.copyOf(metrics);
  }
}
