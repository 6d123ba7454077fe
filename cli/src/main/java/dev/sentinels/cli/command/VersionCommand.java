package dev.sentinels.cli.command;

import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.RecordCodec;
import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.Command;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "version",
    description = "Print the client version (as sentinel --version; -o json or yaml for scripts).",
    mixinStandardHelpOptions = true)
final class VersionCommand extends Verb {

  @Override
  Set<OutputFormat> formats() {
    return EnumSet.of(OutputFormat.table, OutputFormat.json, OutputFormat.yaml);
  }

  @Override
  boolean printsTables() {
    return false;
  }

  @Override
  int execute() {
    if (format().structured()) {
      ObjectNode version = RecordCodec.mapper().createObjectNode();
      version.put("apiVersion", OutputObjects.API_VERSION);
      version.put("kind", "Version");
      ObjectNode client = version.putObject("clientVersion");
      client.put("version", VersionProvider.version());
      client.put("java", Runtime.version().toString());
      client.put("javaVm", System.getProperty("java.vm.name"));
      Printer.structured(out(), format(), version);
    } else {
      for (String line : new VersionProvider().getVersion()) {
        out().println(line);
      }
    }
    return ExitCodes.OK;
  }
}
