package dev.hsm.micronaut.data;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.Optional;

/** The contract's contacts. */
@JdbcRepository(dialect = Dialect.ANSI)
public interface ContactRepository extends CrudRepository<Contact, String> {
  Optional<Contact> findByEmail(String email);
}
