package dev.sentinels.cli.command;

import dev.sentinels.api.QueueConfig;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.queue.QueueUsage;
import dev.sentinels.cli.support.ExitCodes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "queues",
    description = "List queues with their quotas and what they hold.",
    mixinStandardHelpOptions = true)
final class QueuesCommand extends BackendCommand {

  @Mixin OutputOptions output;

  @Override
  int run(Engine engine) {
    QueueConfig config = engine.queueConfig();
    Map<String, QueueUsage> usage = engine.queue().plan().queues();
    List<Map<String, Object>> items = new ArrayList<>();
    for (QueueConfig.Queue q : config.queues().values()) {
      QueueUsage u = usage.get(q.name());
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("name", q.name());
      item.put("quota", q.quota());
      item.put("held", u == null ? null : u.held());
      item.put("activeJobs", u == null ? 0 : u.activeJobs());
      item.put("waitingJobs", u == null ? 0 : u.waitingJobs());
      item.put("description", q.description());
      items.add(item);
    }
    switch (output.format()) {
      case json, yaml -> Printer.structured(out(), output.format(), items);
      case name -> items.forEach(i -> out().println(i.get("name")));
      default -> {
        Table table = new Table("NAME", "QUOTA", "HELD", "ACTIVE", "WAITING", "DESCRIPTION");
        for (Map<String, Object> i : items) {
          table.row(
              i.get("name"),
              i.get("quota") == null ? "unlimited" : i.get("quota"),
              i.get("held") == null ? "0" : i.get("held"),
              i.get("activeJobs"),
              i.get("waitingJobs"),
              i.get("description"));
        }
        table.print(out(), !output.noHeaders);
      }
    }
    return ExitCodes.OK;
  }
}
