package dev.hsm.examples.micronaut;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.Optional;

/**
 * Customers in SQLite (or PostgreSQL, in the {@code postgresql} environment: the ANSI queries run
 * there too). The finder's parameter is named after the encrypted property.
 */
@JdbcRepository(dialect = Dialect.ANSI)
public interface CustomerRepository extends CrudRepository<Customer, String> {
  Optional<Customer> findByEmail(String email);
}
