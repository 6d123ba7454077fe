package dev.sentinels.cli.engine.port;

import java.io.PrintStream;
import java.util.function.BooleanSupplier;

/** A job's output (its latest run's), as {@code kubectl logs} shows it: stdout and stderr. */
public interface JobOutput {

  /**
   * Copies the output to {@code out}: the last {@code tailLines} lines (all when null), then, with
   * {@code follow}, what comes until the run ends; {@code jobEnded} says when the record has.
   */
  void copy(Integer tailLines, boolean follow, BooleanSupplier jobEnded, PrintStream out);
}
