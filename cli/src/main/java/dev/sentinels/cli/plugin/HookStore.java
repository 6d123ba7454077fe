package dev.sentinels.cli.plugin;

import dev.sentinels.api.JobRecord;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What hook delivery needs from a backend's record store. Both operations must be cheap and the
 * update must be conditional (compare-and-set on the record's version), so two processes delivering
 * at once cannot both claim a record.
 */
public interface HookStore {

  /** Records whose attributes hold {@link JobRecord#HOOKS_PENDING}. */
  List<JobRecord> pendingHooks();

  /**
   * Reads the record, applies {@code change} and writes the result only if the record did not
   * change in between, re-reading and re-applying on conflict. {@code change} returns null to leave
   * the record alone.
   *
   * @return the record as written, or empty when {@code change} declined or the record is gone
   */
  Optional<JobRecord> update(String jobId, UnaryOperator<JobRecord> change);
}
