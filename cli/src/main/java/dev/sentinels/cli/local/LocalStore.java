package dev.sentinels.cli.local;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.engine.port.JobStore;
import dev.sentinels.cli.engine.port.StoredRecord;
import dev.sentinels.cli.plugin.ResourceAlerts;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.RecordCodec;
import dev.sentinels.cli.support.SentinelException;
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
 * Job records in one SQLite database under {@code $SENTINEL_HOME} ({@link LocalSchema}): the record
 * as JSON ({@link RecordCodec}, the same form the cluster stores) and a version bumped by every
 * write. WAL lets readers run beside a writer; every transaction starts {@code BEGIN IMMEDIATE}, so
 * writers from any number of processes queue on the database lock (busy timeout) instead of
 * failing, and a read-decide-write in {@link #inTransaction} sees no other writer between its read
 * and its write. One connection serves the runner's threads (its loop and its hook worker), so
 * every method holds the store's monitor, a transaction for its whole length.
 */
final class LocalStore implements JobStore, AutoCloseable {

  private static final int BUSY_TIMEOUT_MILLIS = 60_000;
  private static final String COLUMNS = "SELECT record, version FROM jobs";

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
      if (!LocalSchema.current(store.connection)) {
        store.inTransaction(
            () -> {
              try {
                LocalSchema.migrate(store.connection);
              } catch (SQLException e) {
                throw failure(e);
              }
              return null;
            });
      }
      return store;
    } catch (SQLException | java.io.IOException e) {
      throw new SentinelException(
          ExitCodes.INTERNAL, "cannot open the local store " + database + ": " + e.getMessage(), e);
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

  @Override
  public synchronized boolean create(JobRecord record) {
    return execute(
            "INSERT OR IGNORE INTO jobs (id, state, submitted_at, version, record, hooks_pending)"
                + " VALUES (?, ?, ?, 1, ?, ?)",
            record.id(),
            record.state().name(),
            record.submittedAt().toString(),
            RecordCodec.toJson(record),
            hooksPending(record))
        == 1;
  }

  @Override
  public synchronized Optional<StoredRecord> get(String id) {
    List<StoredRecord> rows = query(COLUMNS + " WHERE id = ?", id);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /** Records in any of {@code states} (all when empty), oldest first. */
  @Override
  public synchronized List<StoredRecord> list(Set<JobState> states) {
    if (states.isEmpty()) {
      return query(COLUMNS + " ORDER BY submitted_at, id");
    }
    return query(
        COLUMNS + " WHERE state IN (" + marks(states) + ") ORDER BY submitted_at, id",
        states.stream().map(JobState::name).toArray());
  }

  @Override
  public synchronized int count(Set<JobState> states) {
    if (states.isEmpty()) {
      return list(states).size();
    }
    String sql = "SELECT count(*) FROM jobs WHERE state IN (" + marks(states) + ")";
    try (PreparedStatement select = prepare(sql, states.stream().map(JobState::name).toArray());
        ResultSet rs = select.executeQuery()) {
      rs.next();
      return rs.getInt(1);
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

  @Override
  public synchronized Optional<StoredRecord> replace(JobRecord next, String version) {
    int written =
        execute(
            "UPDATE jobs SET state = ?, record = ?, hooks_pending = ?, version = version + 1"
                + " WHERE id = ? AND version = ?",
            next.state().name(),
            RecordCodec.toJson(next),
            hooksPending(next),
            next.id(),
            Long.parseLong(version));
    return written == 1
        ? Optional.of(new StoredRecord(next, Long.toString(Long.parseLong(version) + 1)))
        : Optional.empty();
  }

  @Override
  public synchronized boolean delete(String id, String version) {
    return execute("DELETE FROM jobs WHERE id = ? AND version = ?", id, Long.parseLong(version))
        == 1;
  }

  @Override
  public synchronized List<JobRecord> pendingHooks() {
    return query(COLUMNS + " WHERE hooks_pending = 1 ORDER BY submitted_at, id").stream()
        .map(StoredRecord::record)
        .toList();
  }

  @Override
  public ResourceAlerts.EpisodeStore alertEpisodes() {
    return new AlertsRow(this);
  }

  /** Reads one row of {@code sql}, or gives null when there is none. */
  @FunctionalInterface
  interface RowReader<T> {
    T read(ResultSet row) throws SQLException;
  }

  synchronized <T> T selectOne(String sql, RowReader<T> reader, Object... values) {
    try (PreparedStatement select = prepare(sql, values);
        ResultSet rs = select.executeQuery()) {
      return rs.next() ? reader.read(rs) : null;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private PreparedStatement prepare(String sql, Object... values) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    for (int i = 0; i < values.length; i++) {
      statement.setObject(i + 1, values[i]);
    }
    return statement;
  }

  synchronized int execute(String sql, Object... values) {
    try (PreparedStatement statement = prepare(sql, values)) {
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private List<StoredRecord> query(String sql, Object... values) {
    try (PreparedStatement select = prepare(sql, values);
        ResultSet rs = select.executeQuery()) {
      List<StoredRecord> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(
            new StoredRecord(RecordCodec.fromJson(rs.getString(1)), Long.toString(rs.getLong(2))));
      }
      return rows;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private static String marks(Set<JobState> states) {
    return String.join(", ", states.stream().map(s -> "?").toList());
  }

  private static int hooksPending(JobRecord record) {
    return record.attributes().containsKey(JobRecord.HOOKS_PENDING) ? 1 : 0;
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
