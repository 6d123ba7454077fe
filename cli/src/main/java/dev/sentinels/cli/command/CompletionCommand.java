package dev.sentinels.cli.command;

import dev.sentinels.cli.support.ExitCodes;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "completion",
    description = {
      "Print a shell completion script.",
      "bash: source <(sentinel completion bash)",
      "zsh:  source <(sentinel completion zsh)",
      "fish: sentinel completion fish | source"
    },
    mixinStandardHelpOptions = true)
final class CompletionCommand implements Callable<Integer> {

  @Parameters(paramLabel = "SHELL", description = "bash, zsh or fish.")
  String shell;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine root = spec.root().commandLine();
    switch (shell) {
      case "bash" -> System.out.print(AutoComplete.bash("sentinel", root));
      // picocli writes bash; zsh runs that through its bash compatibility layer.
      case "zsh" ->
          System.out.print(
              "autoload -U +X compinit && compinit\n"
                  + "autoload -U +X bashcompinit && bashcompinit\n"
                  + AutoComplete.bash("sentinel", root));
      case "fish" -> System.out.print(FishCompletion.script("sentinel", root));
      default ->
          throw new dev.sentinels.cli.support.SentinelException(
              ExitCodes.USAGE, "SHELL: '" + shell + "' is not supported; use bash, zsh or fish");
    }
    return ExitCodes.OK;
  }
}
