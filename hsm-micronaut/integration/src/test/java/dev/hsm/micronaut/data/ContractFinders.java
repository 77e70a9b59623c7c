package dev.hsm.micronaut.data;

import io.micronaut.context.annotation.Requires;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.List;
import java.util.Optional;

/**
 * The repositories {@code EncryptedFinderContract} starts an application with, one per case; each
 * exists only in the context whose {@code contract.finder} names its case.
 */
public final class ContractFinders {
  private ContractFinders() {}

  /** The deterministic e-mail: equality works on it. */
  @JdbcRepository(dialect = Dialect.ANSI)
  @Requires(property = "contract.finder", value = "DETERMINISTIC_FIELD")
  public interface ByEmail extends GenericRepository<Contact, String> {
    Optional<Contact> findByEmail(String email);

    long countByEmail(String email);
  }

  /** The randomized address, bound to its row. */
  @JdbcRepository(dialect = Dialect.ANSI)
  @Requires(property = "contract.finder", value = "ROW_BOUND_FIELD")
  public interface ByAddress extends GenericRepository<Contact, String> {
    List<Contact> findByAddress(String address);
  }

  /** The randomized memo body, opted out of row binding. */
  @JdbcRepository(dialect = Dialect.ANSI)
  @Requires(property = "contract.finder", value = "RANDOMIZED_FIELD_NOT_BOUND_TO_ITS_ROW")
  public interface ByBody extends GenericRepository<Memo, Long> {
    List<Memo> findByBody(String body);
  }
}
