package dev.sentinels.cli.engine.port;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.plugin.HookStore;
import dev.sentinels.cli.plugin.ResourceAlerts;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.Retry;
import dev.sentinels.cli.support.Retry.Attempt;
import dev.sentinels.cli.support.SentinelException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Job records, written only conditionally: every replace names the version it read, so of two
 * concurrent writers one wins and the other re-reads and decides again. Records outlive the jobs'
 * pods and processes.
 */
public interface JobStore extends HookStore {

  /** Conditional writes lost in a row before {@link #update} gives up. */
  int UPDATE_ATTEMPTS = 20;

  Optional<StoredRecord> get(String id);

  /** Records in any of {@code states} (all when empty), in no particular order. */
  List<StoredRecord> list(Set<JobState> states);

  /** How many records are in any of {@code states}; a store that can count should. */
  default int count(Set<JobState> states) {
    return list(states).size();
  }

  /** Stores a new record; false when its id is taken (pick another). */
  boolean create(JobRecord record);

  /**
   * Writes {@code next} if the record is still at {@code version}; the new stored form, or empty
   * when another write came first (or the record is gone).
   */
  Optional<StoredRecord> replace(JobRecord next, String version);

  /**
   * Removes the record if it is still at {@code version}; false when it moved on (read it again) or
   * is gone already.
   */
  boolean delete(String id, String version);

  /** Records with plugin work pending ({@link JobRecord#HOOKS_PENDING}). */
  @Override
  List<JobRecord> pendingHooks();

  /** Resource alert episodes, kept beside the records. */
  ResourceAlerts.EpisodeStore alertEpisodes();

  /** How many conditional writes may be in flight at once (one for a single connection). */
  default int writeConcurrency() {
    return 1;
  }

  /**
   * Applies {@code change} to the current record and writes it conditionally, re-reading on
   * conflict; {@code change} returns null to leave the record. Empty when declined or gone.
   */
  @Override
  default Optional<JobRecord> update(String id, UnaryOperator<JobRecord> change) {
    return Retry.upTo(
        UPDATE_ATTEMPTS,
        () -> {
          Optional<StoredRecord> stored = get(id);
          JobRecord next = stored.map(s -> change.apply(s.record())).orElse(null);
          if (next == null) {
            return Attempt.done(Optional.<JobRecord>empty());
          }
          return replace(next, stored.get().version())
              .map(written -> Attempt.done(Optional.of(written.record())))
              .orElseGet(Attempt::again);
        },
        () -> new SentinelException(ExitCodes.FAILED, "job " + id + " keeps changing; try again"));
  }

  /**
   * Deletes the record as it is now, conditionally, re-reading when another process changed it
   * meanwhile; the record deleted, or empty when it was gone already.
   */
  default Optional<JobRecord> remove(String id) {
    return Retry.upTo(
        UPDATE_ATTEMPTS,
        () -> {
          Optional<StoredRecord> stored = get(id);
          if (stored.isEmpty()) {
            return Attempt.done(Optional.<JobRecord>empty());
          }
          return delete(id, stored.get().version())
              ? Attempt.done(Optional.of(stored.get().record()))
              : Attempt.again();
        },
        () -> new SentinelException(ExitCodes.FAILED, "job " + id + " keeps changing; try again"));
  }
}
