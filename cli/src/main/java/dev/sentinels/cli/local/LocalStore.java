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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.sqlite.SQLiteConfig;

/**
 * Job records in one SQLite database under {@code $SENTINEL_HOME}: a row per job, the record as
 * JSON ({@link RecordCodec}, the same form the cluster stores) and a version bumped by every write.
 * WAL lets readers run beside a writer; every transaction starts {@code BEGIN IMMEDIATE}, so
 * writers from any number of processes queue on the database lock (busy timeout) instead of
 * failing, and a read-decide-write in {@link #inTransaction} sees no other writer between its read
 * and its write.
 */
final class LocalStore implements AutoCloseable {

  /** A record as stored, with the version an update must match. */
  record Stored(JobRecord record, long version) {}

  private static final int SCHEMA_VERSION = 1;
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
                    + " submitted_at TEXT NOT NULL, version INTEGER NOT NULL, record TEXT NOT NULL)");
            statement.execute("CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs(state)");
            statement.execute("PRAGMA user_version = " + SCHEMA_VERSION);
          } catch (SQLException e) {
            throw failure(e);
          }
          return null;
        });
  }

  /**
   * Runs {@code work} in one immediate transaction: committed when it returns, rolled back when it
   * throws. Nested calls join the outer transaction.
   */
  <T> T inTransaction(Supplier<T> work) {
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
  boolean create(JobRecord record) {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT OR IGNORE INTO jobs (id, state, submitted_at, version, record)"
                + " VALUES (?, ?, ?, 1, ?)")) {
      insert.setString(1, record.id());
      insert.setString(2, record.state().name());
      insert.setString(3, record.submittedAt().toString());
      insert.setString(4, RecordCodec.toJson(record));
      return insert.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  Optional<Stored> get(String id) {
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
  List<Stored> list(Set<JobState> states) {
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
  int count(Set<JobState> states) {
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
  long dataVersion() {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("PRAGMA data_version")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Writes {@code next} if the stored version is still {@code expected}; false if it moved on. */
  boolean update(JobRecord next, long expected) {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE jobs SET state = ?, record = ?, version = version + 1"
                + " WHERE id = ? AND version = ?")) {
      update.setString(1, next.state().name());
      update.setString(2, RecordCodec.toJson(next));
      update.setString(3, next.id());
      update.setLong(4, expected);
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure(e);
    }
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
