package dev.sentinels.cli.engine.port;

import dev.sentinels.api.QueueConfig;
import dev.sentinels.cli.plugin.PluginsConfig;
import dev.sentinels.cli.plugin.SecretResolver;

/**
 * One place where jobs are queued and run, as the engine uses it: a Kubernetes namespace or a local
 * home. An adapter implements these ports and nothing else; every use case is the engine's, written
 * once for both.
 */
public interface Backend extends AutoCloseable {

  /** For people: which cluster and namespace, or which local home. */
  String target();

  /** The Kubernetes namespace it works in; empty for the local backend. */
  default java.util.Optional<String> namespace() {
    return java.util.Optional.empty();
  }

  /** Priority classes, queues and quotas in force. */
  QueueConfig queueConfig();

  /** The plugins section; throws {@code SpecException} when it is malformed. */
  PluginsConfig pluginsConfig();

  /** Where secret references in the plugins section resolve. */
  SecretResolver secrets();

  /** Who is submitting, as the backend knows the user. */
  String currentUser();

  JobStore store();

  JobRuntime runtime();

  /**
   * The guard that makes one admitter at a time; {@code longLived} for a scheduler that keeps it
   * between passes, else a one-shot command's.
   */
  AdmissionGuard admission(String identity, boolean longLived);

  /** What {@code sentinel doctor} asks. */
  Diagnostics diagnostics();

  /** What a long-running scheduler (or local runner) needs besides admission passes. */
  SchedulerDriver schedulerDriver(String identity);

  @Override
  void close();
}
