package dev.sentinels.cli.command;

import dev.sentinels.api.plugin.RunSummary;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.ExitCodes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "runs",
    description = "List past tracked runs (newest first) with their key metrics.",
    mixinStandardHelpOptions = true)
final class RunsCommand extends BackendCommand {

  @Option(names = "--project", description = "Only this project's runs (the spec's project).")
  String project;

  @Option(names = "--limit", defaultValue = "20", description = "At most this many runs.")
  int limit;

  /** Metrics shown in the table; -o json or yaml gives all. */
  static final int KEY_METRICS = 3;

  @Override
  void checkArguments() {
    if (limit < 1) {
      throw dev.sentinels.cli.support.SentinelException.invalid(
          "--limit: must be at least 1, got " + limit);
    }
  }

  @Override
  int run(Engine engine) {
    List<RunSummary> runs = engine.hooks().queryTracking(t -> t.runs(project, limit));
    switch (format()) {
      case json, yaml ->
          Printer.objects(out(), format(), runs.stream().map(OutputObjects::run).toList(), false);
      case name -> Printer.names(out(), runs.stream().map(OutputObjects::run).toList());
      default -> {
        boolean wide = format() == OutputFormat.wide;
        Table table =
            wide
                ? new Table("JOB", "RUN", "NAME", "STATUS", "STARTED", "METRICS", "LINK")
                : new Table("JOB", "RUN", "NAME", "STATUS", "STARTED", "METRICS");
        Instant now = Instant.now();
        for (RunSummary r : runs) {
          String started =
              r.startedAt() == null ? "-" : Formatting.since(r.startedAt(), now) + " ago";
          String metrics = metrics(r.metrics(), wide ? Integer.MAX_VALUE : KEY_METRICS);
          String run = r.runId().length() > 12 ? r.runId().substring(0, 12) : r.runId();
          if (wide) {
            table.row(r.jobId(), r.runId(), r.name(), r.status(), started, metrics, r.link());
          } else {
            table.row(r.jobId(), run, r.name(), r.status(), started, metrics);
          }
        }
        if (table.isEmpty()) {
          System.err.println("No runs" + (project == null ? "" : " in project " + project) + ".");
        } else {
          table.print(out(), headers());
        }
      }
    }
    return ExitCodes.OK;
  }

  static String metrics(Map<String, Double> metrics, int max) {
    if (metrics.isEmpty()) {
      return "-";
    }
    return metrics.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .limit(max)
        .map(e -> e.getKey() + "=" + number(e.getValue()))
        .collect(Collectors.joining(" "));
  }

  static String number(Double value) {
    if (value == null) {
      return "-";
    }
    if (value.isNaN() || value.isInfinite()) {
      return value.toString();
    }
    // Four significant digits, no trailing zeros: 0.9, 0.2513, 1200
    return new java.math.BigDecimal(value)
        .round(new java.math.MathContext(4))
        .stripTrailingZeros()
        .toPlainString();
  }
}
