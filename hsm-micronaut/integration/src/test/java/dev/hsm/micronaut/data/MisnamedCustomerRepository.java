package dev.hsm.micronaut.data;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.List;
import java.util.Optional;

/** Finders that cannot work on encrypted columns. */
@JdbcRepository(dialect = Dialect.ANSI)
public interface MisnamedCustomerRepository extends GenericRepository<Customer, String> {
  /** The parameter is not named after the encrypted property it compares with. */
  Optional<Customer> findByLogin(String userName);

  /** The note is randomized and bound to its row: no query can compare it. */
  List<Customer> findByNote(String note);

  /** Nor set it without its entity: the row's id is not known to the converter. */
  void update(@Id String id, String note);
}
