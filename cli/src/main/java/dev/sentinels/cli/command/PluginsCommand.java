package dev.sentinels.cli.command;

import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.plugin.PluginHost;
import dev.sentinels.cli.support.ExitCodes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "plugins",
    description = {
      "List installed plugins: id, version, what they provide, whether they are configured.",
      "A broken or misconfigured plugin is listed with its error and skipped everywhere else.",
      "Exit code 1 when any plugin has an error."
    },
    mixinStandardHelpOptions = true)
final class PluginsCommand extends BackendCommand {

  @Override
  int run(Engine engine) {
    PluginHost host = engine.hooks().inventory();
    List<Map<String, Object>> items = new ArrayList<>();
    List<ObjectNode> objects = new ArrayList<>();
    boolean broken = false;
    Map<String, String> unreachable = engine.hooks().configured() ? host.unreachable() : Map.of();
    for (PluginHost.PluginStatus listed : host.statuses()) {
      PluginHost.PluginStatus status =
          unreachable.containsKey(listed.id()) && listed.healthy()
              ? new PluginHost.PluginStatus(
                  listed.id(),
                  listed.version(),
                  listed.path(),
                  listed.kinds(),
                  listed.configured(),
                  "configured server unreachable: " + unreachable.get(listed.id()))
              : listed;
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("id", status.id());
      item.put("version", status.version());
      item.put("kinds", status.kinds());
      item.put("configured", status.configured());
      item.put("status", status.healthy() ? "ok" : "error");
      item.put("error", status.error());
      item.put("path", status.path());
      items.add(item);
      objects.add(OutputObjects.plugin(status));
      broken |= !status.healthy();
    }
    switch (format()) {
      case json, yaml -> Printer.objects(out(), format(), objects, false);
      case name -> Printer.names(out(), objects);
      default -> {
        boolean wide = format() == OutputFormat.wide;
        Table table =
            wide
                ? new Table("ID", "VERSION", "KINDS", "CONFIGURED", "STATUS", "PATH")
                : new Table("ID", "VERSION", "KINDS", "CONFIGURED", "STATUS");
        for (Map<String, Object> i : items) {
          Object kinds = String.join(",", status(i));
          Object state = i.get("error") == null ? "ok" : "error: " + i.get("error");
          if (wide) {
            table.row(
                i.get("id"), i.get("version"), kinds, i.get("configured"), state, i.get("path"));
          } else {
            table.row(i.get("id"), i.get("version"), kinds, i.get("configured"), state);
          }
        }
        if (table.isEmpty()) {
          System.err.println("No plugins installed (looked in " + PluginHost.defaultRoots() + ").");
        } else {
          table.print(out(), headers());
        }
      }
    }
    var problem = engine.hooks().configProblem();
    problem.ifPresent(p -> System.err.println("error: plugins configuration: " + p));
    return broken || problem.isPresent() ? ExitCodes.FAILED : ExitCodes.OK;
  }

  @SuppressWarnings("unchecked")
  private static List<String> status(Map<String, Object> item) {
    List<String> kinds = (List<String>) item.get("kinds");
    return kinds.isEmpty() ? List.of("-") : kinds;
  }
}
