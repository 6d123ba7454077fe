package dev.sentinels.cli;

import dev.sentinels.cli.command.Commands;
import dev.sentinels.cli.command.ErrorReport;
import dev.sentinels.cli.command.VersionProvider;
import dev.sentinels.cli.support.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code sentinel} program: queue, run and track machine-learning experiments. */
@Command(
    name = "sentinel",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Queue, run and track machine-learning experiments on Kubernetes.",
    exitCodeListHeading = "%nExit codes:%n")
public final class Sentinel {

  @Option(
      names = "--debug",
      scope = ScopeType.INHERIT,
      description = "Show stack traces and client logs on errors.")
  boolean debug;

  private Sentinel() {}

  public static void main(String[] args) {
    if (Boolean.getBoolean("sentinel.training")) {
      Training.exercise(); // the launcher is recording its class data cache
    }
    System.exit(run(args));
  }

  /** Runs one command line and returns its exit code; the REPL and tests call this too. */
  public static int run(String... args) {
    CommandLine commandLine = new CommandLine(new Sentinel());
    for (Class<?> command : Commands.forArgs(args)) {
      commandLine.addSubcommand(command);
    }
    java.util.Map<String, String> exitCodes = new java.util.LinkedHashMap<>();
    for (String line : ExitCodes.TABLE) {
      exitCodes.put(line.substring(0, line.indexOf(':')), line.substring(line.indexOf(':') + 1));
    }
    commandLine.getCommandSpec().usageMessage().exitCodeList(exitCodes);
    return commandLine
        .setExitCodeExceptionMapper(ErrorReport::exitCode)
        .setExecutionExceptionHandler(
            (e, failed, parseResult) -> ErrorReport.report(e, isDebug(parseResult), System.err))
        .execute(args);
  }

  private static boolean isDebug(CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }
}
