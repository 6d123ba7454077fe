package dev.sentinels.cli.command;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "completion",
    description = {
      "Print a shell completion script.",
      "bash: source <(sentinel completion bash)",
      "zsh:  autoload -U +X bashcompinit && bashcompinit && source <(sentinel completion zsh)"
    },
    mixinStandardHelpOptions = true)
final class CompletionCommand implements Callable<Integer> {

  @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
  String shell;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      throw new dev.sentinels.cli.backend.SentinelException(
          ExitCodes.USAGE, "SHELL: '" + shell + "' is not supported; use bash or zsh");
    }
    // picocli's script is bash; zsh runs it through bashcompinit.
    System.out.print(AutoComplete.bash("sentinel", spec.root().commandLine()));
    return ExitCodes.OK;
  }
}
