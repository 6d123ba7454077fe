package dev.sentinels.cli.command;

import dev.sentinels.api.plugin.LogSource.Highlight;
import dev.sentinels.api.plugin.LogSource.LogMatch;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.Durations;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.SentinelException;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "logs",
    description = {
      "Print a job's output (stdout and stderr, as kubectl logs shows them): from its pods or",
      "local output while they exist, from the log source (Elasticsearch) after. With --search,",
      "find lines across jobs in the log source."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Examples:",
      "  sentinel logs -f job/mnist-7kq2x     follow to the end (waits while it is queued)",
      "  sentinel logs --tail 20 mnist-7kq2x",
      "  sentinel logs --since 10m mnist-7kq2x",
      "  sentinel logs mnist-7kq2x --source elasticsearch",
      "  sentinel logs --search 'CUDA out of memory' --since 7d"
    })
final class LogsCommand extends BackendCommand {

  private static final String BOLD_RED = "\u001b[1;31m";
  private static final String RESET = "\u001b[0m";

  @Parameters(paramLabel = "JOB", arity = "0..1", description = "Job id.")
  String jobId;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing until the job ends (Ctrl-C stops).")
  boolean follow;

  @Option(
      names = "--tail",
      paramLabel = "N",
      defaultValue = "-1",
      description = "Only the last N lines; -1 (the default) for all.")
  int tail;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description =
          "Only lines written since: a duration back from now (10m, 2h, 7d) or a time"
              + " (2026-11-25, 2026-11-25T14:00:00Z).")
  String since;

  @Option(
      names = "--source",
      paramLabel = "SOURCE",
      description =
          "Where to read: cluster or local (the backend: pods, output file), or the log"
              + " source's plugin id (elasticsearch). Default: the backend while it has the"
              + " output, the log source after.")
  String source;

  @Option(
      names = "--search",
      paramLabel = "TEXT",
      description = "Find lines containing TEXT (a phrase) across jobs, newest first.")
  String search;

  @Option(
      names = "--project",
      paramLabel = "P",
      description = "With --search: only jobs of this project.")
  String project;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "With --search: at most N lines (1 to 10000, default 100).")
  int limit;

  private Instant sinceInstant;

  @Override
  Set<OutputFormat> formats() {
    return EnumSet.noneOf(OutputFormat.class);
  }

  @Override
  boolean printsTables() {
    return false;
  }

  @Override
  boolean listsAcrossNamespaces() {
    return search != null;
  }

  @Override
  void checkArguments() {
    if (tail < -1) {
      throw SentinelException.invalid("--tail: must be -1 (all) or more, got " + tail);
    }
    sinceInstant = since == null ? null : since(since, Instant.now());
    if (search == null) {
      if (jobId == null) {
        throw SentinelException.invalid(
            "JOB: which job's logs? (sentinel logs JOB, or --search TEXT across jobs)");
      }
      if (project != null) {
        throw SentinelException.invalid("--project: only with --search");
      }
      jobId = JobIds.parse(jobId);
      return;
    }
    if (search.isBlank()) {
      throw SentinelException.invalid("--search: give the text to find");
    }
    if (jobId != null) {
      throw SentinelException.invalid(
          "--search: looks across jobs; drop JOB (or: sentinel logs " + jobId + " | grep TEXT)");
    }
    for (var flag :
        List.of(
            Optional.ofNullable(follow ? "--follow" : null),
            Optional.ofNullable(tail != -1 ? "--tail" : null),
            Optional.ofNullable(source))) {
      if (flag.isPresent()) {
        throw SentinelException.invalid(
            (flag.get().startsWith("--") ? flag.get() : "--source")
                + ": not with --search (it reads one job's lines)");
      }
    }
    if (limit < 1 || limit > 10_000) {
      throw SentinelException.invalid("--limit: must be 1 to 10000, got " + limit);
    }
  }

  /** {@code 7d} back from now, a date (midnight UTC) or an instant. */
  static Instant since(String text, Instant now) {
    Optional<java.time.Duration> back;
    try {
      back = Durations.parse(text);
    } catch (RuntimeException e) {
      back = Optional.empty();
    }
    if (back.isPresent()) {
      return now.minus(back.get());
    }
    try {
      return text.length() == 10
          ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
          : java.time.OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw SentinelException.invalid(
          "--since: "
              + text
              + " is neither a duration (10m, 2h, 7d) nor a time (2026-11-25,"
              + " 2026-11-25T14:00:00Z)");
    }
  }

  @Override
  int run(Engine engine) {
    if (search != null) {
      return search(engine, false);
    }
    engine.logs(jobId, source, follow, tail == -1 ? null : tail, sinceInstant, out());
    return ExitCodes.OK;
  }

  @Override
  int runAcross(List<Engine> engines) {
    return engines.isEmpty() ? ExitCodes.OK : search(engines.get(0), true);
  }

  private int search(Engine engine, boolean allNamespaces) {
    PrintStream out = out();
    boolean color = System.console() != null && System.getenv("NO_COLOR") == null;
    AtomicInteger found = new AtomicInteger();
    engine.searchLogs(
        search,
        project,
        sinceInstant,
        limit,
        allNamespaces,
        match -> {
          found.incrementAndGet();
          out.println(line(match, allNamespaces, color));
        });
    out.flush();
    if (found.get() == 0) {
      System.err.println(
          "no lines contain \""
              + search
              + "\""
              + (since == null ? "" : " since " + since)
              + (project == null ? "" : " in project " + project));
    }
    return ExitCodes.OK;
  }

  /** {@code job time text}, the matches in bold red on a terminal. */
  static String line(LogMatch match, boolean withNamespace, boolean color) {
    StringBuilder text = new StringBuilder();
    int at = 0;
    for (Highlight h : match.highlights()) {
      int start = Math.max(at, Math.min(h.start(), match.text().length()));
      int end = Math.max(start, Math.min(h.end(), match.text().length()));
      text.append(match.text(), at, start);
      text.append(color ? BOLD_RED : "").append(match.text(), start, end);
      text.append(color ? RESET : "");
      at = end;
    }
    text.append(match.text().substring(at));
    String job =
        (withNamespace && match.namespace() != null ? match.namespace() + "/" : "") + match.jobId();
    return job + "  " + (match.at() == null ? "-" : Formatting.instant(match.at())) + "  " + text;
  }
}
