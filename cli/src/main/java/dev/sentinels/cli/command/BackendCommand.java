package dev.sentinels.cli.command;

import dev.sentinels.cli.backend.Backend;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** A command that works against a backend: opens it, runs, closes it. */
abstract class BackendCommand implements Callable<Integer> {

  @Mixin BackendOptions backendOptions;

  @Override
  public final Integer call() {
    try (Backend backend = backendOptions.open()) {
      return run(backend);
    }
  }

  abstract int run(Backend backend);

  PrintStream out() {
    return System.out;
  }
}
