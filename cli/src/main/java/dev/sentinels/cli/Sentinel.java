package dev.sentinels.cli;

import dev.sentinels.cli.command.Commands;
import dev.sentinels.cli.command.ExitCodes;
import dev.sentinels.cli.command.VersionProvider;
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
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:Success.",
      "1:The operation or the job it waited for failed.",
      "2:Invalid input: bad flags, arguments or job spec. Nothing was changed.",
      "3:Not found: no such job, queue or priority class.",
      "4:Cannot reach the cluster or a configured server.",
      "5:Internal error (a bug: run with --debug and report the trace)."
    })
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
    return commandLine
        .setExitCodeExceptionMapper(ExitCodes::forException)
        .setExecutionExceptionHandler(
            (e, failed, parseResult) -> ExitCodes.report(e, isDebug(parseResult), System.err))
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
