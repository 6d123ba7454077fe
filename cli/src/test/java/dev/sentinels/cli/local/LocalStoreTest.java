package dev.sentinels.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.engine.EngineTesting;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;

/** Transactions of the local store, as SQLite itself sees them. */
class LocalStoreTest {

  @TempDir Path dir;

  @Test
  void aTransactionTakesTheWriteLockOnceAndCommitsOnce() throws Exception {
    try (LocalHome local = LocalHome.withCpus(dir.resolve("home"), 2);
        LocalBackend backend = local.backend()) {
      LocalStore store = backend.localStore();
      AtomicInteger commits = new AtomicInteger();
      AtomicInteger rollbacks = new AtomicInteger();
      ((SQLiteConnection) store.connection())
          .addCommitListener(
              new SQLiteCommitListener() {
                @Override
                public void onCommit() {
                  commits.incrementAndGet();
                }

                @Override
                public void onRollback() {
                  rollbacks.incrementAndGet();
                }
              });
      JobRecord record =
          store.inTransaction(
              () -> EngineTesting.enqueue(backend, LocalHome.spec(backend, "one", "true")));
      // The driver's commit() began the next transaction at once, and leaving manual mode
      // committed that empty one: the write lock twice, and a second chance to fail.
      assertEquals(1, commits.get(), "commits for one transaction");
      assertEquals(0, rollbacks.get());
      assertTrue(store.connection().getAutoCommit());

      assertThrows(
          IllegalStateException.class,
          () ->
              store.inTransaction(
                  () -> {
                    EngineTesting.enqueue(backend, LocalHome.spec(backend, "two", "true"));
                    throw new IllegalStateException("changed my mind");
                  }));
      assertEquals(1, commits.get());
      assertEquals(1, rollbacks.get());
      assertEquals(
          List.of(record.id()),
          store.list(EnumSet.of(JobState.QUEUED)).stream().map(s -> s.record().id()).toList(),
          "the rolled back job is not stored");
    }
  }
}
