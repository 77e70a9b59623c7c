package dev.hsm.micronaut.data;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.Optional;

/** A finder whose parameter is not named after the encrypted property it compares with. */
@JdbcRepository(dialect = Dialect.ANSI)
public interface MisnamedCustomerRepository extends GenericRepository<Customer, Long> {
  Optional<Customer> findByEmail(String address);
}
