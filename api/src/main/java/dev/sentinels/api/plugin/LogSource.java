package dev.sentinels.api.plugin;

import dev.sentinels.api.JobRecord;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Where a job's output can be read after its pods are gone (Elasticsearch, Loki). {@code sentinel
 * logs} asks the backend first and falls back to the configured log source. Design only: no plugin
 * implements it yet, but the SPI will not change when one does.
 */
public interface LogSource extends SentinelExtension {

  /**
   * Sends the job's lines, oldest first, to {@code sink}. With {@code query.follow()}, keeps
   * sending until the job ends or the thread is interrupted.
   */
  void read(JobRecord job, LogQuery query, Consumer<LogLine> sink) throws Exception;

  /**
   * @param since first instant wanted, or null for the beginning
   * @param tailLines only the last lines, or null for all
   * @param follow keep reading as lines arrive
   */
  record LogQuery(Instant since, Integer tailLines, boolean follow) {}

  /**
   * @param at when it was written, or null if unknown
   * @param source which pod or process (a job may retry), or null
   * @param text the line without its newline
   */
  record LogLine(Instant at, String source, String text) {}
}
