package dev.sentinels.cli.command;

import dev.sentinels.cli.support.ExitCodes;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code sentinel} command: its global flags, and the verbs a command line names. */
@Command(
    name = "sentinel",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Queue, run and track machine-learning experiments on Kubernetes.",
    exitCodeListHeading = "%nExit codes:%n",
    footerHeading = "%n",
    footer = "Run 'sentinel VERB --help' for a verb's flags, 'sentinel shell' for the REPL.")
public final class SentinelCommand implements Runnable {

  @Mixin GlobalOptions global;

  /** The command line for {@code args}: the root, its global flags, and the verbs it needs. */
  public static CommandLine commandLine(String... args) {
    CommandLine commandLine = new CommandLine(new SentinelCommand());
    for (Class<?> command : Commands.forArgs(args)) {
      commandLine.addSubcommand(command);
    }
    Map<String, String> exitCodes = new LinkedHashMap<>();
    for (String line : ExitCodes.TABLE) {
      exitCodes.put(line.substring(0, line.indexOf(':')), line.substring(line.indexOf(':') + 1));
    }
    commandLine.getCommandSpec().usageMessage().exitCodeList(exitCodes);
    return commandLine
        .setExitCodeExceptionMapper(ErrorReport::exitCode)
        .setParameterExceptionHandler(UsageErrors::report)
        .setExecutionExceptionHandler(
            (e, failed, parseResult) -> ErrorReport.report(e, debug(failed), System.err));
  }

  /** Bare {@code sentinel} off a terminal: the usage (on one it is the REPL, see Sentinel). */
  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  static boolean debug(CommandLine failed) {
    Object root = failed.getCommandSpec().root().userObject();
    return root instanceof SentinelCommand command && command.global.debug();
  }

  /** The global flags of the command line {@code spec} belongs to. */
  static GlobalOptions global(CommandLine.Model.CommandSpec spec) {
    return ((SentinelCommand) spec.root().userObject()).global;
  }
}
