package dev.sentinels.cli.command;

import dev.sentinels.cli.engine.Engine;

/** A verb that works on a backend through the engine: opens it, runs, closes it. */
abstract class BackendCommand extends Verb {

  @Override
  final int execute() {
    dev.sentinels.cli.support.Timing.mark("parsed: " + verb());
    if (global().allNamespaces) {
      java.util.List<Engine> engines = Backends.openEach(global());
      try {
        return runAcross(engines);
      } finally {
        engines.forEach(Engine::close);
      }
    }
    try (Engine engine = Backends.open(global())) {
      dev.sentinels.cli.support.Timing.mark("backend opened");
      return run(engine);
    }
  }

  abstract int run(Engine engine);

  /** With {@code -A}: the same over every namespace (verbs that allow it override this). */
  int runAcross(java.util.List<Engine> engines) {
    throw new IllegalStateException(verb() + " does not list across namespaces");
  }
}
