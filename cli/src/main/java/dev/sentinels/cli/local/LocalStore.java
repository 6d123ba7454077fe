package dev.sentinels.cli.local;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.backend.RecordCodec;
import dev.sentinels.cli.backend.SentinelException;
import dev.sentinels.cli.command.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.sqlite.SQLiteConfig;
import tools.jackson.core.type.TypeReference;

/**
 * Job records in one SQLite database under {@code $SENTINEL_HOME}: a row per job, the record as
 * JSON ({@link RecordCodec}, the same form the cluster stores) and a version bumped by every write.
 * WAL lets readers run beside a writer; every transaction starts {@code BEGIN IMMEDIATE}, so
 * writers from any number of processes queue on the database lock (busy timeout) instead of
 * failing, and a read-decide-write in {@link #inTransaction} sees no other writer between its read
 * and its write.
 *
 * <p>Plugin work: a {@code hooks_pending} column mirrors {@link JobRecord#HOOKS_PENDING} (a partial
 * index finds the few pending rows), and the {@code alerts} table holds the resource alert episodes
 * as one versioned row. One connection serves the runner's threads (its loop and its hook worker),
 * so every method holds the store's monitor, a transaction for its whole length.
 */
final class LocalStore implements AutoCloseable {

  /** A record as stored, with the version an update must match. */
  record Stored(JobRecord record, long version) {}

  private static final int SCHEMA_VERSION = 2;
  private static final int BUSY_TIMEOUT_MILLIS = 60_000;

  private final Connection connection;
  private int depth;

  private LocalStore(Connection connection) {
    this.connection = connection;
  }

  static LocalStore open(Path database) {
    try {
      Files.createDirectories(database.getParent());
      NativeSqlite.useCachedLibrary();
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
      LocalStore store = new LocalStore(config.createConnection("jdbc:sqlite:" + database));
      store.migrate();
      return store;
    } catch (SQLException | java.io.IOException e) {
      throw new SentinelException(
          ExitCodes.INTERNAL, "cannot open the local store " + database + ": " + e.getMessage(), e);
    }
  }

  private void migrate() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
      if (rs.next() && rs.getInt(1) >= SCHEMA_VERSION) {
        return;
      }
    }
    inTransaction(
        () -> {
          try (Statement statement = connection.createStatement()) {
            statement.execute(
                "CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, state TEXT NOT NULL,"
                    + " submitted_at TEXT NOT NULL, version INTEGER NOT NULL, record TEXT NOT NULL,"
                    + " hooks_pending INTEGER NOT NULL DEFAULT 0)");
            statement.execute("CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs(state)");
            if (!hasColumn(statement, "jobs", "hooks_pending")) { // a version 1 store
              statement.execute(
                  "ALTER TABLE jobs ADD COLUMN hooks_pending INTEGER NOT NULL DEFAULT 0");
              statement.execute(
                  "UPDATE jobs SET hooks_pending = 1 WHERE record LIKE '%\""
                      + JobRecord.HOOKS_PENDING
                      + "\"%'");
            }
            statement.execute(
                "CREATE INDEX IF NOT EXISTS jobs_hooks_pending ON jobs(hooks_pending)"
                    + " WHERE hooks_pending = 1");
            statement.execute(
                "CREATE TABLE IF NOT EXISTS alerts (id INTEGER PRIMARY KEY CHECK (id = 1),"
                    + " version INTEGER NOT NULL, state TEXT NOT NULL)");
            statement.execute("PRAGMA user_version = " + SCHEMA_VERSION);
          } catch (SQLException e) {
            throw failure(e);
          }
          return null;
        });
  }

  private static boolean hasColumn(Statement statement, String table, String column)
      throws SQLException {
    try (ResultSet rs = statement.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (rs.next()) {
        if (rs.getString("name").equals(column)) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * Runs {@code work} in one immediate transaction: committed when it returns, rolled back when it
   * throws. Nested calls join the outer transaction.
   */
  synchronized <T> T inTransaction(Supplier<T> work) {
    if (depth > 0) {
      return work.get();
    }
    // Plain statements in autocommit mode: the driver's own commit() begins the next transaction
    // at once (taking the write lock a second time, and able to fail after the data committed).
    try (Statement statement = connection.createStatement()) {
      statement.execute("BEGIN IMMEDIATE");
      depth++;
      T result;
      try {
        result = work.get();
      } catch (RuntimeException | Error e) {
        statement.execute("ROLLBACK");
        throw e;
      } finally {
        depth--;
      }
      try {
        statement.execute("COMMIT");
      } catch (SQLException e) {
        statement.execute("ROLLBACK"); // still open when COMMIT failed
        throw e;
      }
      return result;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** The JDBC connection, for tests that watch its transactions. */
  Connection connection() {
    return connection;
  }

  /** Inserts a new record; false when its id is taken. */
  synchronized boolean create(JobRecord record) {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT OR IGNORE INTO jobs (id, state, submitted_at, version, record,"
                + " hooks_pending) VALUES (?, ?, ?, 1, ?, ?)")) {
      insert.setString(1, record.id());
      insert.setString(2, record.state().name());
      insert.setString(3, record.submittedAt().toString());
      insert.setString(4, RecordCodec.toJson(record));
      insert.setInt(5, hooksPending(record));
      return insert.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  synchronized Optional<Stored> get(String id) {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT record, version FROM jobs WHERE id = ?")) {
      select.setString(1, id);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? Optional.of(stored(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Records in any of {@code states} (all when empty), oldest first. */
  synchronized List<Stored> list(Set<JobState> states) {
    StringBuilder sql = new StringBuilder("SELECT record, version FROM jobs");
    if (!states.isEmpty()) {
      sql.append(" WHERE state IN (");
      sql.append(String.join(", ", states.stream().map(s -> "?").toList()));
      sql.append(")");
    }
    sql.append(" ORDER BY submitted_at, id");
    try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
      int i = 1;
      for (JobState state : states) {
        select.setString(i++, state.name());
      }
      List<Stored> rows = new ArrayList<>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          rows.add(stored(rs));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** How many records are in any of {@code states}. */
  synchronized int count(Set<JobState> states) {
    String marks = String.join(", ", states.stream().map(s -> "?").toList());
    try (PreparedStatement select =
        connection.prepareStatement("SELECT count(*) FROM jobs WHERE state IN (" + marks + ")")) {
      int i = 1;
      for (JobState state : states) {
        select.setString(i++, state.name());
      }
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Changes when another connection commits: lets a poller skip work when nothing changed. */
  synchronized long dataVersion() {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("PRAGMA data_version")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Writes {@code next} if the stored version is still {@code expected}; false if it moved on. */
  synchronized boolean update(JobRecord next, long expected) {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE jobs SET state = ?, record = ?, hooks_pending = ?, version = version + 1"
                + " WHERE id = ? AND version = ?")) {
      update.setString(1, next.state().name());
      update.setString(2, RecordCodec.toJson(next));
      update.setInt(3, hooksPending(next));
      update.setString(4, next.id());
      update.setLong(5, expected);
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /**
   * Reads the record, applies {@code change} and writes the result if its version did not move,
   * again on conflict; empty when {@code change} declines (null) or the record is gone.
   */
  synchronized Optional<JobRecord> update(String id, UnaryOperator<JobRecord> change) {
    while (true) {
      Optional<Stored> current = get(id);
      if (current.isEmpty()) {
        return Optional.empty();
      }
      JobRecord next = change.apply(current.get().record());
      if (next == null) {
        return Optional.empty();
      }
      if (update(next, current.get().version())) {
        return Optional.of(next);
      }
    }
  }

  /** Records with plugin work pending ({@link JobRecord#HOOKS_PENDING}), oldest first. */
  synchronized List<Stored> pendingHooks() {
    return query(
        "SELECT record, version FROM jobs WHERE hooks_pending = 1 ORDER BY submitted_at, id");
  }

  /** Whether any record has plugin work pending. */
  synchronized boolean anyHooksPending() {
    return !query("SELECT record, version FROM jobs WHERE hooks_pending = 1 LIMIT 1").isEmpty();
  }

  private List<Stored> query(String sql) {
    try (PreparedStatement select = connection.prepareStatement(sql);
        ResultSet rs = select.executeQuery()) {
      List<Stored> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(stored(rs));
      }
      return rows;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** The resource alert episodes and their version; an empty map and null before the first. */
  synchronized Map.Entry<Map<String, String>, String> alerts() {
    try (PreparedStatement select =
            connection.prepareStatement("SELECT state, version FROM alerts WHERE id = 1");
        ResultSet rs = select.executeQuery()) {
      if (!rs.next()) {
        return new AbstractMap.SimpleEntry<>(Map.of(), null);
      }
      Map<String, String> state =
          RecordCodec.mapper().readValue(rs.getString(1), new TypeReference<>() {});
      return new AbstractMap.SimpleEntry<>(state, Long.toString(rs.getLong(2)));
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Writes the episodes if still at {@code version} (null: none written yet); false otherwise. */
  synchronized boolean writeAlerts(Map<String, String> state, String version) {
    String sql =
        version == null
            ? "INSERT OR IGNORE INTO alerts (state, id, version) VALUES (?, 1, 1)"
            : "UPDATE alerts SET state = ?, version = version + 1 WHERE id = 1 AND version = ?";
    try (PreparedStatement write = connection.prepareStatement(sql)) {
      write.setString(1, RecordCodec.mapper().writeValueAsString(new TreeMap<>(state)));
      if (version != null) {
        write.setLong(2, Long.parseLong(version));
      }
      return write.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private static int hooksPending(JobRecord record) {
    return record.attributes().containsKey(JobRecord.HOOKS_PENDING) ? 1 : 0;
  }

  private static Stored stored(ResultSet rs) throws SQLException {
    return new Stored(RecordCodec.fromJson(rs.getString(1)), rs.getLong(2));
  }

  private static SentinelException failure(SQLException e) {
    return new SentinelException(ExitCodes.INTERNAL, "local store: " + e.getMessage(), e);
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // Closing a read connection has nothing left to lose.
    }
  }
}
