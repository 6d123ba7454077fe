package dev.sentinels.cli.command;

import dev.sentinels.api.PriorityClass;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.ExitCodes;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "priorities",
    description = "List priority classes, highest first, and which one is the default.",
    mixinStandardHelpOptions = true)
final class PrioritiesCommand extends BackendCommand {

  @Override
  Set<OutputFormat> formats() {
    return EnumSet.of(OutputFormat.table, OutputFormat.json, OutputFormat.yaml, OutputFormat.name);
  }

  @Override
  int run(Engine engine) {
    QueueConfig config = engine.queueConfig();
    List<PriorityClass> classes =
        config.priorityClasses().stream()
            .sorted(Comparator.comparingInt(PriorityClass::value).reversed())
            .toList();
    List<ObjectNode> items =
        classes.stream()
            .map(c -> OutputObjects.priorityClass(c, c.name().equals(config.defaultPriority())))
            .toList();
    switch (format()) {
      case json, yaml -> Printer.objects(out(), format(), items, false);
      case name -> Printer.names(out(), items);
      default -> {
        Table table = new Table("NAME", "VALUE", "DEFAULT", "DESCRIPTION");
        for (PriorityClass c : classes) {
          table.row(
              c.name(),
              c.value(),
              c.name().equals(config.defaultPriority()) ? "yes" : "-",
              c.description());
        }
        table.print(out(), headers());
      }
    }
    return ExitCodes.OK;
  }
}
