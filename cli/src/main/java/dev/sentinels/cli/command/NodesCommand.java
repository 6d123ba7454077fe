package dev.sentinels.cli.command;

import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.engine.port.NodeView;
import dev.sentinels.cli.support.ExitCodes;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "nodes",
    description = "Show each node's capacity against what is requested of it.",
    mixinStandardHelpOptions = true)
final class NodesCommand extends BackendCommand {

  @Mixin OutputOptions output;

  @Override
  int run(Engine engine) {
    List<NodeView> nodes = engine.nodes();
    switch (output.format()) {
      case json, yaml -> Printer.structured(out(), output.format(), nodes);
      case name -> nodes.forEach(n -> out().println(n.name()));
      default -> {
        Table table = new Table("NAME", "STATUS", "CPU", "MEMORY", "GPU", "PODS");
        for (NodeView n : nodes) {
          String status = n.ready() ? "Ready" : "NotReady";
          if (!n.schedulable()) {
            status += ",SchedulingDisabled";
          }
          table.row(
              n.name(),
              status,
              Formatting.cpu(n.requested().cpuMillis())
                  + "/"
                  + Formatting.cpu(n.allocatable().cpuMillis()),
              Formatting.memory(n.requested().memoryBytes())
                  + "/"
                  + Formatting.memory(n.allocatable().memoryBytes()),
              n.requested().gpus() + "/" + n.allocatable().gpus(),
              n.pods());
        }
        if (table.isEmpty()) {
          System.err.println("No nodes.");
        } else {
          table.print(out(), !output.noHeaders);
        }
      }
    }
    return ExitCodes.OK;
  }
}
