package dev.sentinels.cli.command;

import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.ExitCodes;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;

@Command(
    name = "scheduler",
    description = {
      "Admit jobs continuously: hold the admission lease and react to every change.",
      "Optional: every command also admits on its own. Stops cleanly on SIGTERM or Ctrl-C.",
      "Locally: the runner that starts and watches jobs (in the foreground; commands start one"
          + " in the background when none runs)."
    },
    mixinStandardHelpOptions = true)
final class SchedulerCommand extends BackendCommand {

  @Override
  java.util.Set<OutputFormat> formats() {
    return java.util.EnumSet.noneOf(OutputFormat.class);
  }

  @Override
  boolean printsTables() {
    return false;
  }

  @Override
  int run(Engine engine) {
    AtomicBoolean stop = new AtomicBoolean();
    // Not Thread.join: after the loop the main thread calls System.exit, which waits for hooks.
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.set(true);
              try {
                stopped.await(20, TimeUnit.SECONDS); // let it release the lease before exiting
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "sentinel-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.err.println("sentinel scheduler on " + engine.target());
    try {
      engine.runScheduler(stop, System.err);
    } finally {
      stopped.countDown();
    }
    return ExitCodes.OK;
  }
}
