package dev.sentinels.cli.command;

import dev.sentinels.api.JobRecord;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.SentinelException;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;

/** A verb over several jobs, as kubectl does over several names: one bad id spares no other. */
final class EachJob {

  private EachJob() {}

  /**
   * Applies {@code action} to each id, printing {@code job/<id> <done>} (just {@code job/<id>} for
   * {@code -o name}) or the error; the exit code is the worst error's.
   */
  static int apply(
      List<String> ids,
      PrintStream out,
      OutputFormat format,
      String done,
      Function<String, JobRecord> action) {
    int exit = ExitCodes.OK;
    for (String id : ids) {
      try {
        JobRecord job = action.apply(id);
        out.println("job/" + job.id() + (format == OutputFormat.name ? "" : " " + done));
      } catch (SentinelException e) {
        System.err.println("error: " + e.getMessage());
        exit = Math.max(exit, e.exitCode());
      }
    }
    return exit;
  }
}
