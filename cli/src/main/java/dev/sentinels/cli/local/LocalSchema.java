package dev.sentinels.cli.local;

import dev.sentinels.api.JobRecord;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The local store's tables: {@code jobs} (a row per job: the record as JSON, its state, a version
 * bumped by every write, and a {@code hooks_pending} flag mirroring {@link JobRecord#HOOKS_PENDING}
 * with a partial index for the few pending rows) and {@code alerts} (the resource alert episodes as
 * one versioned row). {@code PRAGMA user_version} says which schema a file has.
 */
final class LocalSchema {

  static final int VERSION = 2;

  private LocalSchema() {}

  static boolean current(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
      return rs.next() && rs.getInt(1) >= VERSION;
    }
  }

  /** Creates or upgrades the tables; runs inside the caller's transaction. */
  static void migrate(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, state TEXT NOT NULL,"
              + " submitted_at TEXT NOT NULL, version INTEGER NOT NULL, record TEXT NOT NULL,"
              + " hooks_pending INTEGER NOT NULL DEFAULT 0)");
      statement.execute("CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs(state)");
      if (!hasColumn(statement, "jobs", "hooks_pending")) { // a version 1 store
        statement.execute("ALTER TABLE jobs ADD COLUMN hooks_pending INTEGER NOT NULL DEFAULT 0");
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
      statement.execute("PRAGMA user_version = " + VERSION);
    }
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
}
