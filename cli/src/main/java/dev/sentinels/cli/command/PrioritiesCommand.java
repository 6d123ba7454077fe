package dev.sentinels.cli.command;

import dev.sentinels.api.PriorityClass;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.ExitCodes;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "priorities",
    description = "List priority classes, highest first.",
    mixinStandardHelpOptions = true)
final class PrioritiesCommand extends BackendCommand {

  @Mixin OutputOptions output;

  @Override
  int run(Engine engine) {
    QueueConfig config = engine.queueConfig();
    List<PriorityClass> classes =
        config.priorityClasses().stream()
            .sorted(Comparator.comparingInt(PriorityClass::value).reversed())
            .toList();
    switch (output.format()) {
      case json, yaml -> Printer.structured(out(), output.format(), classes);
      case name -> classes.forEach(c -> out().println(c.name()));
      default -> {
        Table table = new Table("NAME", "VALUE", "DEFAULT", "DESCRIPTION");
        for (PriorityClass c : classes) {
          table.row(
              c.name(),
              c.value(),
              c.name().equals(config.defaultPriority()) ? "yes" : "-",
              c.description());
        }
        table.print(out(), !output.noHeaders);
      }
    }
    return ExitCodes.OK;
  }
}
