package dev.sentinels.cli.command;

import dev.sentinels.cli.engine.Doctor;
import dev.sentinels.cli.engine.Engine;
import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "doctor",
    description = {
      "Check that this cluster (or the local backend) is ready for work, one line per check:",
      "the connection, the configuration and what installed it, your permissions (as kubectl",
      "auth can-i), which scheduler holds admission, client, scheduler and chart versions,",
      "capacity, and whether each configured plugin answers.",
      "Exit code 0 when no check fails (warnings too, unless --strict), 1 when one does,",
      "4 when the cluster cannot be reached."
    },
    mixinStandardHelpOptions = true)
final class DoctorCommand extends BackendCommand {

  @Option(names = "--strict", description = "Warnings fail too (exit code 1), as for CI.")
  boolean strict;

  @Override
  Set<OutputFormat> formats() {
    return EnumSet.of(OutputFormat.table, OutputFormat.json, OutputFormat.yaml);
  }

  @Override
  int run(Engine engine) {
    Doctor.Report report = engine.diagnose();
    int exit = report.exitCode(strict);
    if (format().structured()) {
      ObjectNode diagnosis = OutputObjects.diagnosis(engine.target(), report, exit == 0);
      Printer.structured(out(), format(), diagnosis);
      return exit;
    }
    Table table = new Table("CHECK", "STATUS", "DETAIL");
    for (Doctor.Check check : report.checks()) {
      table.row(check.name(), check.outcome().word(), check.detail());
    }
    table.print(out(), headers());
    return exit;
  }
}
