package dev.hsm.examples.micronaut;

import io.micronaut.context.annotation.Context;
import io.micronaut.transaction.TransactionOperations;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates the customer table at start-up. Micronaut Data's ANSI DDL does not run on SQLite, so the
 * application owns its schema; encrypted String columns hold Base64url text. The id is text (a UUID
 * the application assigns), not an autoincrement: the address is bound to its row's id, which must
 * be known before the row is written.
 */
@Context
public class Schema {
  public Schema(TransactionOperations<Connection> transactions) {
    transactions.executeWrite(
        status -> {
          try (Statement statement = status.getConnection().createStatement()) {
            statement.execute(
                "CREATE TABLE IF NOT EXISTS customer ("
                    + "id TEXT PRIMARY KEY, name TEXT NOT NULL,"
                    + " email TEXT NOT NULL, address TEXT)");
            statement.execute("CREATE INDEX IF NOT EXISTS customer_email ON customer (email)");
          } catch (SQLException e) {
            throw new IllegalStateException("cannot create the customer table", e);
          }
          return null;
        });
  }
}
