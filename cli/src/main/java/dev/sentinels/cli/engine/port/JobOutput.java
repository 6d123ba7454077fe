package dev.sentinels.cli.engine.port;

import java.io.PrintStream;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** A job's output (its latest run's), as {@code kubectl logs} shows it: stdout and stderr. */
public interface JobOutput {

  /**
   * Copies the output to {@code out}: the lines written at or after {@code since} (all when null),
   * of those the last {@code tailLines} (all when null), then, with {@code follow}, what comes
   * until the run ends; {@code jobEnded} says when the record has.
   */
  void copy(
      Integer tailLines, Instant since, boolean follow, BooleanSupplier jobEnded, PrintStream out);
}
