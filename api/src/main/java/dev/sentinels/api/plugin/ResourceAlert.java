package dev.sentinels.api.plugin;

import java.time.Instant;

/**
 * A resource alert episode opened or cleared: jobs have waited for capacity too long, or usage
 * passed its threshold. Sent once when the episode opens and once when it clears.
 *
 * @param kind {@code waiting} or {@code usage}
 * @param cleared false when the episode opens, true when it ends
 * @param summary one line for people, e.g. {@code 3 jobs waiting for capacity > 30m (queue gpu)}
 * @param since when the episode opened
 * @param target where, for people
 */
public record ResourceAlert(
    String kind, boolean cleared, String summary, Instant since, String target) {}
