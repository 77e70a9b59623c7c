package dev.hsm.postgresql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What every write transaction of a client does last, and how another client learns of it: the
 * client adds one to its own row of {@code client_commits} (its own row, so clients never wait for
 * each other here) and sends {@code NOTIFY} on the store's channel with its id, which PostgreSQL
 * delivers when, and only if, the transaction commits.
 *
 * <p>The data version of a client is the sum of the other clients' rows: it moves exactly when
 * another client's write commits, and is visible in the same instant as what that write wrote, so a
 * client that reads the audit log's head and then the data version cannot miss a change. A closing
 * client moves its count into a shared row, which leaves every sum as it was.
 */
final class Commits {
  private static final String CLOSED = "(closed clients)";

  private final String schema;
  private final String client;
  private final String channel;

  Commits(String schema, String client) {
    this.schema = schema;
    this.client = client;
    this.channel = channel(schema);
  }

  /** The store's notification channel: one per schema (and per database, as NOTIFY is). */
  static String channel(String schema) {
    return "dev_hsm_" + schema;
  }

  String client() {
    return client;
  }

  /** Counts this client's write and notifies the others; last in every write transaction. */
  void count(Connection c) throws SQLException {
    // One statement, so one round trip: the count, then the notification.
    try (PreparedStatement count = c.prepareStatement(Schema.in(schema, countingAfter("")))) {
      bind(count, 1);
      count.executeQuery().close();
    }
  }

  /**
   * A statement that runs the data-modifying {@code WITH} queries {@code with} (none if empty),
   * then counts this client's write and notifies the others, as {@link #count} does: the writes and
   * the count in one round trip. Its last three parameters are {@link #bind}'s.
   */
  static String countingAfter(String with) {
    return "WITH "
        + (with.isEmpty() ? "" : with + ", ")
        + "counted AS (INSERT INTO {s}.client_commits AS cc (client, commits)"
        + " VALUES (?, 1) ON CONFLICT (client) DO UPDATE SET commits = cc.commits + 1"
        + " RETURNING commits) SELECT pg_notify(?, ?) FROM counted";
  }

  /** Binds the three parameters of {@link #countingAfter}'s own part, from {@code at}. */
  void bind(PreparedStatement statement, int at) throws SQLException {
    statement.setString(at, client);
    statement.setString(at + 1, channel);
    statement.setString(at + 2, client);
  }

  /** The others' commits: the data version. */
  long others(Connection c) throws SQLException {
    try (PreparedStatement query =
        c.prepareStatement(
            Schema.in(
                schema,
                "SELECT coalesce(sum(commits), 0) FROM {s}.client_commits WHERE client <> ?"))) {
      query.setString(1, client);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** Moves this client's count into the closed clients' row, so no other client's sum moves. */
  void retire(Connection c) throws SQLException {
    try (PreparedStatement move =
        c.prepareStatement(
            Schema.in(
                schema,
                "WITH mine AS (DELETE FROM {s}.client_commits WHERE client = ? RETURNING commits)"
                    + " INSERT INTO {s}.client_commits AS cc (client, commits)"
                    + " SELECT ?, commits FROM mine"
                    + " ON CONFLICT (client) DO UPDATE SET commits = cc.commits + excluded.commits"))) {
      move.setString(1, client);
      move.setString(2, CLOSED);
      move.executeUpdate();
    }
  }
}
