package dev.sentinels.cli.plugin;

import dev.sentinels.api.plugin.Notifier;
import dev.sentinels.api.plugin.PluginConfig;
import dev.sentinels.api.plugin.ResourceAlert;
import dev.sentinels.cli.support.Retry;
import dev.sentinels.cli.support.Retry.Attempt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resource alerts: jobs waiting for capacity longer than {@code waitingLongerThan}, or GPU (else
 * CPU) requests above {@code usageAbove} of what accepting nodes have. Configured in the host
 * section {@code plugins.alerts}:
 *
 * <pre>
 * plugins:
 *   alerts:
 *     waitingLongerThan: 30m
 *     usageAbove: 90%
 *     notify: [slack]        # optional; default every configured notifier
 * </pre>
 *
 * Each kind is an episode told once when it opens and once when it clears, however many processes
 * check. Its state lives with the backend ({@link EpisodeStore}; on a cluster the {@code
 * sentinel-alerts} ConfigMap) and changes only by conditional writes: {@code closed -> opening}
 * (condition seen), a claimed delivery, {@code -> open}, then {@code -> clearing} when the
 * condition is gone, a claimed delivery, {@code -> closed}.
 */
public final class ResourceAlerts {

  /** What the backend sees now. */
  public record Observation(
      int waitingTooLong, Duration longestWait, double usage, String usageOf) {}

  /** Episode state as string pairs with a version for compare-and-set. */
  public interface EpisodeStore {
    /** The state and its version; an empty map and null version when none was written. */
    Map.Entry<Map<String, String>, String> read();

    /** Writes {@code state} if still at {@code version}; false when another process won. */
    boolean write(Map<String, String> state, String version);
  }

  record Settings(Duration waitingLongerThan, Double usageAbove, List<String> notifiers) {}

  static final Duration CLAIM_FOR = Duration.ofMinutes(1);
  public static final Duration RETRY_AFTER = Duration.ofSeconds(30);

  /** Deliveries of one step tried before it is given up, as for jobs' plugin work. */
  public static final int MAX_ATTEMPTS = HookDelivery.MAX_ATTEMPTS;

  private final Settings settings;
  private final PluginHost plugins;
  private final String owner;
  private final String target;
  private final Clock clock;

  private ResourceAlerts(
      Settings settings, PluginHost plugins, String owner, String target, Clock clock) {
    this.settings = settings;
    this.plugins = plugins;
    this.owner = owner;
    this.target = target;
    this.clock = clock;
  }

  /** Alerts as configured, or empty when {@code plugins.alerts} is absent. */
  public static Optional<ResourceAlerts> configured(
      PluginsConfig config, PluginHost plugins, String owner, String target, Clock clock) {
    Optional<Map<String, Object>> section = config.section("alerts");
    if (section.isEmpty() || plugins == null) {
      return Optional.empty();
    }
    PluginConfig alerts =
        new MapPluginConfig(
            "alerts", config.source(), section.get(), SecretResolver.ENV_ONLY, v -> {});
    Double usage = alerts.string("usageAbove").map(text -> percent(alerts, text)).orElse(null);
    Settings settings =
        new Settings(
            alerts.duration("waitingLongerThan").orElse(null), usage, alerts.strings("notify"));
    return Optional.of(new ResourceAlerts(settings, plugins, owner, target, clock));
  }

  private static double percent(PluginConfig config, String text) {
    String number = text.trim().endsWith("%") ? text.trim().replace("%", "") : text.trim();
    try {
      double value = Double.parseDouble(number);
      if (value > 0 && value <= 100) {
        return value / 100;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw config.invalid("usageAbove", "\"" + text + "\" is not a percentage; use e.g. 90%");
  }

  /** The longest wait that counts, for the backend's observation. */
  public Optional<Duration> waitingLongerThan() {
    return Optional.ofNullable(settings.waitingLongerThan());
  }

  /** Moves each kind's episode along; sends what is due. Never throws for a notifier. */
  public void check(Observation now, EpisodeStore store) {
    if (settings.waitingLongerThan() != null) {
      step(
          "waiting",
          now.waitingTooLong() > 0,
          now.waitingTooLong()
              + (now.waitingTooLong() == 1 ? " job has" : " jobs have")
              + " waited for capacity longer than "
              + settings.waitingLongerThan().toString().substring(2).toLowerCase()
              + " (longest "
              + now.longestWait().toString().substring(2).toLowerCase().replaceAll("\\.\\d+", "")
              + ")",
          store);
    }
    if (settings.usageAbove() != null) {
      step(
          "usage",
          now.usage() > settings.usageAbove(),
          String.format(
              java.util.Locale.ROOT,
              "%s requests at %.0f%% of capacity (threshold %.0f%%)",
              now.usageOf(),
              now.usage() * 100,
              settings.usageAbove() * 100),
          store);
    }
  }

  /** Conditional writes lost in a row before a check leaves the episode for the next one. */
  private static final int WRITE_ATTEMPTS = 5;

  /** Moves the episode on as far as it goes now; each write is one phase, then it looks again. */
  private void step(String kind, boolean condition, String summary, EpisodeStore store) {
    boolean moved =
        Retry.upToOrElse(WRITE_ATTEMPTS, () -> stepOnce(kind, condition, summary, store), false);
    if (moved) {
      step(kind, condition, summary, store);
    }
  }

  /**
   * One look: settled true when it moved the phase on (look again), false when nothing is due now;
   * not settled when another process wrote first.
   */
  private Attempt<Boolean> stepOnce(
      String kind, boolean condition, String summary, EpisodeStore store) {
    var read = store.read();
    Map<String, String> state = new HashMap<>(read.getKey());
    String phase = state.getOrDefault(kind + ".phase", "closed");
    Instant now = clock.instant();
    String retryAt = state.get(kind + ".retryAt");
    if (retryAt != null && now.isBefore(Instant.parse(retryAt))) {
      return Attempt.done(false);
    }
    if (phase.equals("closed") && condition) {
      state.put(kind + ".phase", "opening");
      state.put(kind + ".since", now.toString());
      state.put(kind + ".summary", summary);
    } else if (phase.equals("open") && !condition) {
      state.put(kind + ".phase", "clearing");
    } else if (phase.equals("opening") || phase.equals("clearing")) {
      String claim = state.get(kind + ".claim");
      if (claim != null
          && !claim.startsWith(owner + " ")
          && now.isBefore(Instant.parse(claim.substring(claim.lastIndexOf(' ') + 1)))) {
        return Attempt.done(false); // another process is sending it
      }
      state.put(kind + ".claim", owner + " " + now.plus(CLAIM_FOR));
      if (!store.write(state, read.getValue())) {
        return Attempt.again();
      }
      deliver(kind, phase, state, store);
      return Attempt.done(false);
    } else {
      return Attempt.done(false); // nothing changes
    }
    return store.write(state, read.getValue()) ? Attempt.done(true) : Attempt.again();
  }

  private void deliver(String kind, String phase, Map<String, String> claimed, EpisodeStore store) {
    boolean clearing = phase.equals("clearing");
    ResourceAlert alert =
        new ResourceAlert(
            kind,
            clearing,
            claimed.get(kind + ".summary"),
            Instant.parse(claimed.get(kind + ".since")),
            target);
    boolean sent = true;
    for (PluginHost.Active<Notifier> notifier : plugins.notifiers()) {
      if (!settings.notifiers().isEmpty() && !settings.notifiers().contains(notifier.pluginId())) {
        continue;
      }
      String done = kind + ".sent." + notifier.pluginId();
      if (phase.equals(claimed.get(done))) {
        continue;
      }
      try {
        plugins.call(
            HookDelivery.CALL_TIMEOUT_MILLIS,
            () -> {
              notifier.extension().resourceAlert(alert);
              return null;
            });
        claimed.put(done, phase);
      } catch (Exception e) {
        sent = false;
      }
    }
    boolean delivered = sent;
    Retry.upToOrElse(
        WRITE_ATTEMPTS, () -> settle(kind, phase, clearing, delivered, claimed, store), null);
  }

  /** Records what was sent and gives the claim up; not settled when another write came first. */
  private Attempt<Void> settle(
      String kind,
      String phase,
      boolean clearing,
      boolean sent,
      Map<String, String> claimed,
      EpisodeStore store) {
    var read = store.read();
    Map<String, String> state = new HashMap<>(read.getKey());
    String claim = state.get(kind + ".claim");
    if (claim == null || !claim.startsWith(owner + " ")) {
      return Attempt.done(null); // our claim expired and was taken
    }
    claimed.forEach(
        (key, value) -> {
          if (key.startsWith(kind + ".sent.")) {
            state.put(key, value);
          }
        });
    state.remove(kind + ".claim");
    int failures = sent ? 0 : Integer.parseInt(state.getOrDefault(kind + ".failures", "0")) + 1;
    if (failures > 0 && failures < MAX_ATTEMPTS) {
      state.put(kind + ".failures", Integer.toString(failures));
      state.put(kind + ".retryAt", clock.instant().plus(RETRY_AFTER).toString());
    } else {
      // Sent, or given up: a receiver that never answers must not hold the episode (and with it
      // a local runner that waits for plugin work) forever.
      state.put(kind + ".phase", clearing ? "closed" : "open");
      state.remove(kind + ".retryAt");
      state.remove(kind + ".failures");
      if (failures > 0) {
        state.put(kind + ".gaveUp", phase + " " + clock.instant());
      }
      if (clearing) {
        state.keySet().removeIf(key -> key.startsWith(kind + ".sent."));
      }
    }
    return store.write(state, read.getValue()) ? Attempt.done(null) : Attempt.again();
  }
}
