package dev.sentinels.cli.command;

import dev.sentinels.api.JobRecord;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.engine.QueueView;
import dev.sentinels.cli.queue.Decision;
import dev.sentinels.cli.support.ExitCodes;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "queue",
    description = "Show queued jobs in the order they will be admitted, and why each waits.",
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Examples:",
      "  sentinel queue",
      "  sentinel queue -q research -o wide",
      "  sentinel queue -o json | jq '.items[0].reason'"
    })
final class QueueCommand extends BackendCommand {

  @Option(
      names = {"-q", "--queue"},
      paramLabel = "QUEUE",
      description = "Only this queue.")
  String onlyQueue;

  /** A queued job's place, in the namespace whose queue it is (null locally). */
  private record Entry(String namespace, Decision decision, JobRecord job) {}

  @Override
  boolean listsAcrossNamespaces() {
    return true;
  }

  @Override
  int run(Engine engine) {
    print(entries(engine), false);
    return ExitCodes.OK;
  }

  @Override
  int runAcross(List<Engine> engines) {
    List<Entry> entries = new ArrayList<>();
    engines.forEach(engine -> entries.addAll(entries(engine)));
    print(entries, true);
    return ExitCodes.OK;
  }

  private List<Entry> entries(Engine engine) {
    QueueView view = engine.queue();
    String namespace = engine.namespace().orElse(null);
    List<Entry> entries = new ArrayList<>();
    for (Decision d : view.plan().decisions()) {
      if (onlyQueue == null || onlyQueue.equals(d.job().queue())) {
        entries.add(new Entry(namespace, d, view.pending().get(d.jobId())));
      }
    }
    return entries;
  }

  private void print(List<Entry> entries, boolean namespaced) {
    Instant now = Instant.now();
    PrintStream out = out();
    switch (format()) {
      case json, yaml ->
          Printer.objects(
              out,
              format(),
              entries.stream()
                  .map(e -> OutputObjects.queuedJob(e.decision(), e.job(), e.namespace(), now))
                  .toList(),
              false);
      case name -> entries.forEach(e -> out.println("job/" + e.decision().jobId()));
      default -> {
        boolean wide = format() == OutputFormat.wide;
        List<String> headers = new ArrayList<>();
        if (namespaced) {
          headers.add("NAMESPACE");
        }
        headers.addAll(
            List.of("POS", "ID", "PRIORITY", "QUEUE", "WAITING", "CPU", "MEMORY", "GPU"));
        if (wide) {
          headers.addAll(List.of("USER", "HELD-NODE"));
        }
        headers.add("REASON");
        Table table = new Table(headers.toArray(String[]::new));
        for (Entry e : entries) {
          Decision d = e.decision();
          var r = d.job().request();
          List<Object> cells = new ArrayList<>();
          if (namespaced) {
            cells.add(e.namespace());
          }
          cells.addAll(
              List.of(
                  d.position(),
                  d.jobId(),
                  (e.job().spec().priority() == null ? "" : e.job().spec().priority() + " ")
                      + "("
                      + d.job().priority()
                      + ")",
                  d.job().queue(),
                  Formatting.since(d.job().submittedAt(), now),
                  Formatting.cpu(r.cpuMillis()),
                  Formatting.memory(r.memoryBytes()),
                  r.gpus()));
          if (wide) {
            cells.add(e.job().user());
            cells.add(d.reservedNode() == null ? "" : d.reservedNode());
          }
          cells.add(reason(d));
          table.row(cells.toArray());
        }
        if (table.isEmpty()) {
          System.err.println("No jobs waiting.");
        } else {
          table.print(out, headers());
        }
      }
    }
  }

  static String reason(Decision d) {
    return d.admitted() ? "fits now: admitted on the next pass" : d.message();
  }
}
