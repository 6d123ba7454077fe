package dev.sentinels.api.plugin;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import java.time.Duration;
import java.util.Map;

/**
 * A job reached a state a notifier cares about.
 *
 * @param job the record as written with the transition
 * @param state the state entered (Succeeded, Failed or Cancelled)
 * @param runTime how long it ran, or null if it never started
 * @param links titled links for people (e.g. {@code "MLflow run" -> url}), in display order
 * @param target where it runs, for people (cluster and namespace, or local home)
 */
public record JobEvent(
    JobRecord job, JobState state, Duration runTime, Map<String, String> links, String target) {
  public JobEvent {
    links = links == null ? Map.of() : java.util.Collections.unmodifiableMap(links);
  }
}
