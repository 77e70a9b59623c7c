package dev.hsm.micronaut.data;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.Optional;

/** Micronaut Data JDBC over SQLite (ANSI dialect; the test owns the DDL). */
@JdbcRepository(dialect = Dialect.ANSI)
public interface CustomerRepository extends CrudRepository<Customer, String> {
  Optional<Customer> findByLogin(String login);

  List<Customer> findByName(String name);

  long countByLogin(String login);
}
