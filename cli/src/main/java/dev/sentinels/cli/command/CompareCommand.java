package dev.sentinels.cli.command;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.plugin.RunSummary;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.ExitCodes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "compare",
    description = {
      "Show two jobs side by side: state, run time, params and metrics from their tracked runs.",
      "The last column says whether they differ: * (differ) or = (same)."
    },
    mixinStandardHelpOptions = true)
final class CompareCommand extends BackendCommand {

  @Parameters(index = "0", paramLabel = "JOB_A", description = "First job id.")
  String first;

  @Parameters(index = "1", paramLabel = "JOB_B", description = "Second job id.")
  String second;

  @Override
  java.util.Set<OutputFormat> formats() {
    return java.util.EnumSet.of(OutputFormat.table, OutputFormat.json, OutputFormat.yaml);
  }

  @Override
  void checkArguments() {
    first = JobIds.parse(first);
    second = JobIds.parse(second);
  }

  @Override
  int run(Engine engine) {
    JobRecord a = engine.get(first);
    JobRecord b = engine.get(second);
    Optional<RunSummary> runA = engine.hooks().queryTracking(t -> t.run(a));
    Optional<RunSummary> runB = engine.hooks().queryTracking(t -> t.run(b));
    Instant now = Instant.now();
    Map<String, String[]> rows = new LinkedHashMap<>();
    rows.put("state", new String[] {a.state().display(), b.state().display()});
    rows.put(
        "runTime",
        new String[] {
          a.runTime(now) == null ? "-" : Formatting.age(a.runTime(now)),
          b.runTime(now) == null ? "-" : Formatting.age(b.runTime(now))
        });
    rows.put("image", new String[] {a.spec().image(), b.spec().image()});
    rows.put("run", new String[] {status(runA), status(runB)});
    Map<String, String> paramsA = merged(a.spec().params(), runA.map(RunSummary::params));
    Map<String, String> paramsB = merged(b.spec().params(), runB.map(RunSummary::params));
    side(rows, "param ", paramsA, paramsB, Function.identity());
    side(
        rows,
        "metric ",
        runA.map(RunSummary::metrics).orElse(Map.of()),
        runB.map(RunSummary::metrics).orElse(Map.of()),
        RunsCommand::number);
    if (format().structured()) {
      Printer.structured(out(), format(), OutputObjects.comparison(a.id(), b.id(), rows));
      return ExitCodes.OK;
    }
    Table table =
        new Table(
            "KEY",
            first.toUpperCase(java.util.Locale.ROOT),
            second.toUpperCase(java.util.Locale.ROOT),
            "");
    rows.forEach(
        (key, values) ->
            table.row(key, values[0], values[1], values[0].equals(values[1]) ? "=" : "*"));
    table.print(out(), headers());
    return ExitCodes.OK;
  }

  private static String status(Optional<RunSummary> run) {
    return run.map(r -> r.status() + " " + r.runId()).orElse("not tracked");
  }

  /** Params as the run logged them, else as the spec gave them. */
  private static Map<String, String> merged(
      Map<String, String> spec, Optional<Map<String, String>> logged) {
    Map<String, String> params = new LinkedHashMap<>(spec);
    logged.ifPresent(params::putAll);
    return params;
  }

  private static <V> void side(
      Map<String, String[]> rows,
      String prefix,
      Map<String, V> a,
      Map<String, V> b,
      Function<V, String> text) {
    TreeSet<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    for (String key : keys) {
      rows.put(
          prefix + key,
          new String[] {
            a.containsKey(key) ? text.apply(a.get(key)) : "-",
            b.containsKey(key) ? text.apply(b.get(key)) : "-"
          });
    }
  }
}
