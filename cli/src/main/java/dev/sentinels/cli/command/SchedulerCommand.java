package dev.sentinels.cli.command;

import dev.sentinels.cli.backend.Backend;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;

@Command(
    name = "scheduler",
    description = {
      "Admit jobs continuously: hold the admission lease and react to every change.",
      "Optional: every command also admits on its own. Stops cleanly on SIGTERM or Ctrl-C."
    },
    mixinStandardHelpOptions = true)
final class SchedulerCommand extends BackendCommand {

  @Override
  int run(Backend backend) {
    AtomicBoolean stop = new AtomicBoolean();
    Thread main = Thread.currentThread();
    Thread hook =
        new Thread(
            () -> {
              stop.set(true);
              try {
                main.join(20_000); // let it release the lease before the JVM exits
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "sentinel-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.err.println("sentinel scheduler on " + backend.target());
    backend.runScheduler(stop, System.err);
    return ExitCodes.OK;
  }
}
