package dev.sentinels.cli.command;

import dev.sentinels.api.JobRecord;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.engine.QueueView;
import dev.sentinels.cli.queue.Decision;
import dev.sentinels.cli.support.ExitCodes;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "queue",
    description = "Show queued jobs in the order they will be admitted, and why each waits.",
    mixinStandardHelpOptions = true)
final class QueueCommand extends BackendCommand {

  @Mixin OutputOptions output;

  @Option(
      names = {"-q", "--queue"},
      paramLabel = "QUEUE",
      description = "Only this queue.")
  String onlyQueue;

  @Override
  int run(Engine engine) {
    QueueView view = engine.queue();
    Instant now = Instant.now();
    List<Decision> decisions = new ArrayList<>();
    for (Decision d : view.plan().decisions()) {
      if (onlyQueue == null || onlyQueue.equals(d.job().queue())) {
        decisions.add(d);
      }
    }
    PrintStream out = out();
    switch (output.format()) {
      case json, yaml -> {
        List<Map<String, Object>> items = new ArrayList<>();
        for (Decision d : decisions) {
          Map<String, Object> item = new LinkedHashMap<>();
          item.put("position", d.position());
          item.put("id", d.jobId());
          item.put("queue", d.job().queue());
          item.put("priority", d.job().priority());
          item.put("submittedAt", d.job().submittedAt());
          item.put("request", d.job().request());
          item.put("fitsNow", d.admitted());
          item.put("reason", d.admitted() ? "fits now: admitted on the next pass" : d.message());
          items.add(item);
        }
        Printer.structured(out, output.format(), items);
      }
      case name -> decisions.forEach(d -> out.println(d.jobId()));
      default -> {
        Table table =
            new Table(
                "POS", "ID", "PRIORITY", "QUEUE", "WAITING", "CPU", "MEMORY", "GPU", "REASON");
        for (Decision d : decisions) {
          JobRecord job = view.pending().get(d.jobId());
          var r = d.job().request();
          table.row(
              d.position(),
              d.jobId(),
              (job.spec().priority() == null ? "" : job.spec().priority() + " ")
                  + "("
                  + d.job().priority()
                  + ")",
              d.job().queue(),
              Formatting.since(d.job().submittedAt(), now),
              Formatting.cpu(r.cpuMillis()),
              Formatting.memory(r.memoryBytes()),
              r.gpus(),
              d.admitted() ? "fits now: admitted on the next pass" : d.message());
        }
        if (table.isEmpty()) {
          System.err.println("No jobs waiting.");
        } else {
          table.print(out, !output.noHeaders);
        }
      }
    }
    return ExitCodes.OK;
  }
}
