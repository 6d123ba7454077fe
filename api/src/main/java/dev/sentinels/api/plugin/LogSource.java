package dev.sentinels.api.plugin;

import dev.sentinels.api.JobRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Where a job's output can be read after its pods are gone (Elasticsearch, Loki), and searched
 * across jobs. {@code sentinel logs} reads the backend while it has the job's output and the
 * configured log source after, or when asked to.
 */
public interface LogSource extends SentinelExtension {

  /**
   * Sends the job's lines, oldest first, to {@code sink}. With {@code query.follow()}, keeps
   * sending until {@code query.jobEnded()} says the job has ended (and what it wrote by then is
   * sent) or the thread is interrupted.
   *
   * @throws Exception when the source cannot be reached or refuses: nothing is said to be empty
   *     that could not be read
   */
  void read(JobRecord job, LogQuery query, Consumer<LogLine> sink) throws Exception;

  /** Lines matching {@code search.text()} across jobs, newest first, at most its limit. */
  void search(LogSearch search, Consumer<LogMatch> sink) throws Exception;

  /** A link for people to the job's lines in the source's UI (Kibana Discover); no I/O. */
  default Optional<String> link(JobRecord job, String namespace) {
    return Optional.empty();
  }

  /**
   * @param namespace the job's namespace on a cluster, {@code local} on the local backend
   * @param since first instant wanted, or null for the beginning
   * @param tailLines only the last lines, or null for all
   * @param follow keep reading as lines arrive
   * @param jobEnded with {@code follow}: true once the job has ended
   */
  record LogQuery(
      String namespace,
      Instant since,
      Integer tailLines,
      boolean follow,
      BooleanSupplier jobEnded) {}

  /**
   * @param at when it was written, or null if unknown
   * @param source which pod or process (a job may retry), or null
   * @param text the line without its newline
   */
  record LogLine(Instant at, String source, String text) {}

  /**
   * @param text the words or phrase to find
   * @param namespace only this namespace, or null for all
   * @param project only jobs of this project, or null for all
   * @param since only lines written at or after, or null
   * @param limit most matches wanted
   */
  record LogSearch(String text, String namespace, String project, Instant since, int limit) {}

  /**
   * @param highlights where {@code text} matched, as [start, end) character ranges
   */
  record LogMatch(
      String jobId,
      String namespace,
      String project,
      Instant at,
      String text,
      List<Highlight> highlights) {}

  /** A matched range of a line's characters, {@code [start, end)}. */
  record Highlight(int start, int end) {}
}
