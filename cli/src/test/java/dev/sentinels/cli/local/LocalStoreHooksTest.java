package dev.sentinels.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.JobState;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Transition;
import dev.sentinels.cli.spec.SpecOverrides;
import dev.sentinels.cli.spec.SpecReader;
import dev.sentinels.cli.support.RecordCodec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What hook delivery and resource alerts need from the local store, on a real SQLite file. */
class LocalStoreHooksTest {

  @TempDir Path dir;

  private static JobRecord queued(String id) {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    JobSpec spec =
        new SpecReader(QueueConfig.defaults())
            .fromOverrides(new SpecOverrides().name("job").image("x"));
    return new JobRecord(
        id,
        spec,
        "me",
        1000,
        JobState.QUEUED,
        "Submitted",
        now,
        null,
        List.of(new Transition(JobState.QUEUED, now, "Submitted")),
        Map.of());
  }

  @Test
  void pendingHooksFollowTheRecordsMarkThroughEveryWrite() {
    try (LocalStore store = LocalStore.open(dir.resolve("sentinel.db"))) {
      JobRecord job = queued("a-1");
      store.create(job);
      store.create(queued("b-2"));
      assertEquals(List.of(), store.pendingHooks());
      assertTrue(store.pendingHooks().isEmpty());

      Optional<JobRecord> ended =
          store.update("a-1", r -> r.transition(JobState.SUCCEEDED, "Completed", Instant.now()));
      assertTrue(ended.isPresent());
      assertEquals(List.of("a-1"), store.pendingHooks().stream().map(JobRecord::id).toList());
      assertFalse(store.pendingHooks().isEmpty());

      assertEquals(Optional.empty(), store.update("a-1", r -> null), "declined: no write");
      assertEquals(Optional.empty(), store.update("gone", r -> r), "no such record");
      store.update(
          "a-1",
          r -> r.withAttributes(java.util.Collections.singletonMap(JobRecord.HOOKS_PENDING, null)));
      assertEquals(List.of(), store.pendingHooks());
    }
  }

  @Test
  void aVersionOneStoreGetsThePendingColumnFromItsRecords() throws Exception {
    Path file = dir.resolve("sentinel.db");
    JobRecord pending = queued("old-1").transition(JobState.FAILED, "Error", Instant.now());
    try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = sqlite.createStatement()) {
      statement.execute(
          "CREATE TABLE jobs (id TEXT PRIMARY KEY, state TEXT NOT NULL,"
              + " submitted_at TEXT NOT NULL, version INTEGER NOT NULL, record TEXT NOT NULL)");
      statement.execute("PRAGMA user_version = 1");
      for (JobRecord record : List.of(pending, queued("old-2"))) {
        try (PreparedStatement insert =
            sqlite.prepareStatement("INSERT INTO jobs VALUES (?, ?, ?, 1, ?)")) {
          insert.setString(1, record.id());
          insert.setString(2, record.state().name());
          insert.setString(3, record.submittedAt().toString());
          insert.setString(4, RecordCodec.toJson(record));
          insert.executeUpdate();
        }
      }
    }
    try (LocalStore store = LocalStore.open(file)) {
      assertEquals(List.of("old-1"), store.pendingHooks().stream().map(JobRecord::id).toList());
    }
  }

  @Test
  void alertEpisodesAreWrittenOnlyAtTheVersionRead() {
    try (LocalStore store = LocalStore.open(dir.resolve("sentinel.db"))) {
      var alerts = store.alertEpisodes();
      var none = alerts.read();
      assertEquals(Map.of(), none.getKey());
      assertEquals(null, none.getValue());
      assertTrue(alerts.write(Map.of("usage.phase", "opening"), null));
      assertFalse(alerts.write(Map.of("usage.phase", "opening"), null), "created twice");

      var first = alerts.read();
      assertEquals(Map.of("usage.phase", "opening"), first.getKey());
      assertTrue(alerts.write(Map.of("usage.phase", "open"), first.getValue()));
      assertFalse(alerts.write(Map.of("usage.phase", "closed"), first.getValue()), "stale version");
      assertEquals(Map.of("usage.phase", "open"), alerts.read().getKey());
    }
  }
}
