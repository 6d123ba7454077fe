package dev.sentinels.cli.command;

import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.engine.port.NodeView;
import dev.sentinels.cli.support.ExitCodes;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

@Command(
    name = "nodes",
    description = "Show each node's capacity against what is requested of it.",
    mixinStandardHelpOptions = true)
final class NodesCommand extends BackendCommand {

  @Override
  int run(Engine engine) {
    List<NodeView> nodes = engine.nodes();
    switch (format()) {
      case json, yaml ->
          Printer.objects(out(), format(), nodes.stream().map(OutputObjects::node).toList(), false);
      case name -> Printer.names(out(), nodes.stream().map(OutputObjects::node).toList());
      default -> {
        boolean wide = format() == OutputFormat.wide;
        List<String> headers =
            new ArrayList<>(List.of("NAME", "STATUS", "CPU", "MEMORY", "GPU", "PODS"));
        if (wide) {
          headers.addAll(List.of("FREE-CPU", "FREE-MEMORY", "FREE-GPU"));
        }
        Table table = new Table(headers.toArray(String[]::new));
        for (NodeView n : nodes) {
          String status = n.ready() ? "Ready" : "NotReady";
          if (!n.schedulable()) {
            status += ",SchedulingDisabled";
          }
          List<Object> cells =
              new ArrayList<>(
                  List.of(
                      n.name(),
                      status,
                      Formatting.cpu(n.requested().cpuMillis())
                          + "/"
                          + Formatting.cpu(n.allocatable().cpuMillis()),
                      Formatting.memory(n.requested().memoryBytes())
                          + "/"
                          + Formatting.memory(n.allocatable().memoryBytes()),
                      n.requested().gpus() + "/" + n.allocatable().gpus(),
                      n.pods()));
          if (wide) {
            cells.add(Formatting.cpu(n.free().cpuMillis()));
            cells.add(Formatting.memory(n.free().memoryBytes()));
            cells.add(n.free().gpus());
          }
          table.row(cells.toArray());
        }
        if (table.isEmpty()) {
          System.err.println("No nodes.");
        } else {
          table.print(out(), headers());
        }
      }
    }
    return ExitCodes.OK;
  }
}
