package dev.sentinels.cli.engine;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.api.plugin.LogSource.LogQuery;
import dev.sentinels.cli.engine.port.JobOutput;
import dev.sentinels.cli.engine.port.JobRuntime;
import dev.sentinels.cli.plugin.JobLogs;
import dev.sentinels.cli.support.BatchedLines;
import dev.sentinels.cli.support.SentinelException;
import dev.sentinels.cli.support.Sleeping;
import dev.sentinels.cli.support.Timing;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code logs}: a job's output from the runtime while it has it (pods, the local output file), and
 * from the configured log source (Elasticsearch) once it has not, with the same lines. With {@code
 * -f} on a job that has not started, waits (saying so once) until it does, then follows it to the
 * end.
 */
final class LogReading {

  private static final long WAIT_MILLIS = 250;

  /** Which of the two to read; {@code AUTO} is the runtime while it has output, else the source. */
  enum Origin {
    AUTO,
    RUNTIME,
    SOURCE
  }

  /**
   * @param since the first instant wanted, or null for all
   * @param tailLines the last lines only, or null for all
   */
  record Request(String jobId, Origin origin, boolean follow, Integer tailLines, Instant since) {}

  private final JobRuntime runtime;
  private final Function<String, JobRecord> records;
  private final Supplier<JobLogs> logs;
  private final String namespace;

  /**
   * @param records the job's current record by id (live state)
   * @param logs the plugins' log source, asked for only when it is read
   * @param namespace the jobs' namespace, {@code local} on the local backend
   */
  LogReading(
      JobRuntime runtime,
      Function<String, JobRecord> records,
      Supplier<JobLogs> logs,
      String namespace) {
    this.runtime = runtime;
    this.records = records;
    this.logs = logs;
    this.namespace = namespace;
  }

  void copy(Request request, PrintStream out) {
    String jobId = request.jobId();
    JobRecord record = records.apply(jobId);
    if (request.origin() == Origin.SOURCE) {
      fromSource(record, request, out);
      return;
    }
    Optional<JobOutput> output = runtime.output(record);
    if (output.isEmpty() && (!request.follow() || record.state().isTerminal())) {
      if (request.origin() == Origin.AUTO
          && record.state() != JobState.QUEUED
          && logs.get().sourceId().isPresent()) {
        fromSource(record, request, out);
        return;
      }
      throw SentinelException.notFound(
          "job "
              + jobId
              + " is "
              + record.state()
              + " and has no output"
              + (record.state() == JobState.QUEUED
                  ? " yet (see: sentinel queue)"
                  : request.origin() == Origin.AUTO
                      ? " here (to keep output after its pods, configure a log source:"
                          + " plugins.elasticsearch)"
                      : ""));
    }
    if (output.isEmpty()) {
      System.err.println("waiting for job " + jobId + " to start (" + record.state() + ")...");
      while (output.isEmpty()) {
        Sleeping.sleep(WAIT_MILLIS);
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
        record = records.apply(jobId);
        output = runtime.output(record);
        if (output.isEmpty() && record.state().isTerminal()) {
          throw SentinelException.notFound("job " + jobId + " ended without output");
        }
      }
    }
    output
        .get()
        .copy(
            request.tailLines(),
            request.since(),
            request.follow(),
            () -> records.apply(jobId).state().isTerminal(),
            out);
  }

  private void fromSource(JobRecord record, Request request, PrintStream out) {
    String jobId = record.id();
    AtomicLong lines = new AtomicLong();
    Timing.mark("log source asked");
    try (BatchedLines batched = new BatchedLines(out)) {
      logs.get()
          .read(
              record,
              new LogQuery(
                  namespace,
                  request.since(),
                  request.tailLines(),
                  request.follow(),
                  () -> records.apply(jobId).state().isTerminal()),
              line -> {
                batched.println(line.text());
                if (lines.incrementAndGet() == 1) {
                  batched.flush(); // the first line shows at once
                  Timing.mark("first line");
                }
              });
    }
    Timing.mark("last line");
    if (lines.get() == 0 && request.since() == null && request.tailLines() == null) {
      System.err.println(
          "note: "
              + logs.get().sourceId().orElse("the log source")
              + " has no lines of job "
              + jobId
              + " (is a log shipper sending them? see: docs/logs.md)");
    }
  }
}
