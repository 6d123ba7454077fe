package dev.sentinels.api.plugin;

/**
 * Tells people about jobs: Slack, a JSON webhook, mail. The host decides when (terminal states the
 * configuration selects, exactly once per transition; see docs/plugins.md) and retries with backoff
 * when a method throws, so an implementation just sends once and throws on failure. Implementations
 * must return within their own timeout (a few seconds).
 */
public interface Notifier extends SentinelExtension {

  /** A job entered a terminal state. Throw to have the host retry later. */
  void jobChanged(JobEvent event) throws Exception;

  /** A resource alert opened or cleared. Throw to have the host retry later. */
  void resourceAlert(ResourceAlert alert) throws Exception;
}
