package dev.hsm.spring.data;

import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.data.relational.core.dialect.AbstractDialect;
import org.springframework.data.relational.core.dialect.IdGeneration;
import org.springframework.data.relational.core.dialect.LimitClause;
import org.springframework.data.relational.core.dialect.LockClause;
import org.springframework.data.relational.core.sql.LockOptions;

/**
 * Spring Data JDBC has no SQLite dialect; SQLite needs little: ANSI quoting, {@code LIMIT ...
 * OFFSET ...}, no row locks (it locks the whole database), and generated keys fetched one insert at
 * a time (the driver returns none after a batch). Shipped with the starter because its embedded
 * default store is SQLite; register it yourself when your data lives in SQLite too: {@code @Bean
 * JdbcDialect jdbcDialect() { return SqliteDialect.INSTANCE; }}.
 */
public final class SqliteDialect extends AbstractDialect implements JdbcDialect {
  /** The dialect; it holds no state. */
  public static final SqliteDialect INSTANCE = new SqliteDialect();

  private static final LimitClause LIMIT =
      new LimitClause() {
        @Override
        public String getLimit(long limit) {
          return "LIMIT " + limit;
        }

        @Override
        public String getOffset(long offset) {
          return "LIMIT -1 OFFSET " + offset;
        }

        @Override
        public String getLimitOffset(long limit, long offset) {
          return "LIMIT " + limit + " OFFSET " + offset;
        }

        @Override
        public Position getClausePosition() {
          return Position.AFTER_ORDER_BY;
        }
      };

  private static final LockClause NO_LOCK =
      new LockClause() {
        @Override
        public String getLock(LockOptions lockOptions) {
          return "";
        }

        @Override
        public Position getClausePosition() {
          return Position.AFTER_ORDER_BY;
        }
      };

  private static final IdGeneration ID_GENERATION =
      new IdGeneration() {
        @Override
        public boolean supportedForBatchOperations() {
          return false;
        }
      };

  private SqliteDialect() {}

  @Override
  public IdGeneration getIdGeneration() {
    return ID_GENERATION;
  }

  @Override
  public LimitClause limit() {
    return LIMIT;
  }

  @Override
  public LockClause lock() {
    return NO_LOCK;
  }
}
