package dev.sentinels.cli.command;

import dev.sentinels.cli.support.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "completion",
    description = {
      "Print a shell completion script.",
      "bash: source <(sentinel completion bash)",
      "zsh:  source <(sentinel completion zsh)",
      "fish: sentinel completion fish | source"
    },
    mixinStandardHelpOptions = true)
final class CompletionCommand extends Verb {

  @Parameters(
      paramLabel = "SHELL",
      completionCandidates = Shells.class,
      description = "bash, zsh or fish.")
  String shell;

  /** The shells there are scripts for. */
  static final class Shells implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.List.of("bash", "zsh", "fish").iterator();
    }
  }

  @Override
  java.util.Set<OutputFormat> formats() {
    return java.util.EnumSet.noneOf(OutputFormat.class);
  }

  @Override
  boolean printsTables() {
    return false;
  }

  @Override
  int execute() {
    switch (shell) {
      case "bash" -> System.out.print(CompletionScripts.bash());
      case "zsh" -> System.out.print(CompletionScripts.zsh());
      case "fish" -> System.out.print(CompletionScripts.fish());
      default ->
          throw new dev.sentinels.cli.support.SentinelException(
              ExitCodes.USAGE, "SHELL: '" + shell + "' is not supported; use bash, zsh or fish");
    }
    return ExitCodes.OK;
  }
}
