package dev.sentinels.api.plugin;

import java.time.Instant;
import java.util.List;

/**
 * Where the local runner ships its jobs' output (on a cluster a log shipper such as the
 * OpenTelemetry Collector does). Writes are idempotent by line id: the runner re-sends whatever was
 * not acknowledged, after a failure, a restart or a crash, and nothing may be stored twice.
 */
public interface LogSink extends SentinelExtension {

  /**
   * Stores every line, or throws: the caller then sends the whole batch again (lines already stored
   * are not stored twice).
   */
  void write(List<ShippedLine> lines) throws Exception;

  /**
   * Makes the store ready for lines from any shipper (an index template, say), before the first
   * arrives; the scheduler calls it when it starts, on every backend. Safe to call again.
   */
  default void prepare() throws Exception {}

  /**
   * One line of a job's output.
   *
   * @param id stable for this line of this job: derived from the job, its attempt and the line's
   *     offset in the job's output
   * @param namespace {@code local} for the local backend
   * @param attempt which run of the job wrote it, from 1
   * @param offset where the line starts in the job's output, in bytes
   * @param at when it was written
   * @param text the line without its newline
   */
  record ShippedLine(
      String id,
      String jobId,
      String namespace,
      String project,
      String user,
      int attempt,
      long offset,
      Instant at,
      String text) {}
}
