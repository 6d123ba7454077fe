package dev.sentinels.cli.command;

import dev.sentinels.cli.engine.Engine;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** A command that works on a backend through the engine: opens it, runs, closes it. */
abstract class BackendCommand implements Callable<Integer> {

  @Mixin BackendOptions backendOptions;

  @Override
  public final Integer call() {
    try (Engine engine = backendOptions.open()) {
      return run(engine);
    }
  }

  abstract int run(Engine engine);

  PrintStream out() {
    return System.out;
  }
}
