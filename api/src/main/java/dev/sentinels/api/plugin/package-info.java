/**
 * The plugin SPI: pf4j extension points a plugin implements to give Sentinels experiment tracking,
 * notifications, and (next) log and metrics sources. A plugin depends on this package only (and
 * pf4j, which the CLI provides); it never sees the cluster client or the CLI. See {@code
 * docs/plugins.md} for packaging, configuration and delivery semantics.
 *
 * <p>Lifecycle of every extension: instantiated once per process by the host, {@link
 * dev.sentinels.api.plugin.SentinelExtension#configure} called once with the plugin's section of
 * the configuration, then the kind's methods, possibly from several threads one at a time per
 * extension. An exception from any method is reported and retried or skipped by the host; it never
 * stops the queue.
 */
package dev.sentinels.api.plugin;
