package dev.sentinels.cli.command;

import dev.sentinels.api.QueueConfig;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.queue.QueueUsage;
import dev.sentinels.cli.support.ExitCodes;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "queues",
    description = "List queues with their quotas and what they hold.",
    mixinStandardHelpOptions = true)
final class QueuesCommand extends BackendCommand {

  @Override
  Set<OutputFormat> formats() {
    return EnumSet.of(OutputFormat.table, OutputFormat.json, OutputFormat.yaml, OutputFormat.name);
  }

  @Override
  int run(Engine engine) {
    QueueConfig config = engine.queueConfig();
    Map<String, QueueUsage> usage = engine.queue().plan().queues();
    List<ObjectNode> items =
        config.queues().values().stream()
            .map(q -> OutputObjects.queue(q, usage.get(q.name())))
            .toList();
    switch (format()) {
      case json, yaml -> Printer.objects(out(), format(), items, false);
      case name -> Printer.names(out(), items);
      default -> {
        Table table = new Table("NAME", "QUOTA", "HELD", "ACTIVE", "WAITING", "DESCRIPTION");
        for (QueueConfig.Queue q : config.queues().values()) {
          QueueUsage u = usage.get(q.name());
          table.row(
              q.name(),
              q.quota() == null ? "unlimited" : q.quota(),
              u == null ? "0" : u.held(),
              u == null ? 0 : u.activeJobs(),
              u == null ? 0 : u.waitingJobs(),
              q.description());
        }
        table.print(out(), headers());
      }
    }
    return ExitCodes.OK;
  }
}
