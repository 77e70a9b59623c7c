package dev.hsm.micronaut.data;

import dev.hsm.annotation.Encrypted;
import io.micronaut.context.annotation.Requires;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.List;
import java.util.Optional;

/**
 * Repository methods that cannot work on {@code @Encrypted} columns, each in the context whose
 * {@code bad.repository} names it, and ones that can ({@code fine}).
 */
public final class RefusedRepositories {
  private RefusedRepositories() {}

  /** The parameter is not named after the encrypted property it compares with. */
  @JdbcRepository(dialect = Dialect.ANSI)
  @Requires(property = "bad.repository", value = "misnamed-parameter")
  public interface MisnamedParameter extends GenericRepository<Customer, String> {
    Optional<Customer> findByLogin(String userName);
  }

  /** The parameter is named after another encrypted property, with another key and context. */
  @JdbcRepository(dialect = Dialect.ANSI)
  @Requires(property = "bad.repository", value = "named-after-another-field")
  public interface NamedAfterAnotherField extends GenericRepository<Customer, String> {
    Optional<Customer> findByLogin(String note);
  }

  /** The parameter's own annotation describes no field (its context is not the login's). */
  @JdbcRepository(dialect = Dialect.ANSI)
  @Requires(property = "bad.repository", value = "annotated-like-no-field")
  public interface AnnotatedLikeNoField extends GenericRepository<Customer, String> {
    Optional<Customer> findByLogin(
        @Encrypted(key = "pii-search", deterministic = true, context = "login") String login);
  }

  /** The note is randomized: no query can compare it. */
  @JdbcRepository(dialect = Dialect.ANSI)
  @Requires(property = "bad.repository", value = "randomized-field-compared")
  public interface RandomizedFieldCompared extends GenericRepository<Customer, String> {
    long countByNote(String note);
  }

  /** The note is bound to its row: only saving the entity can set it. */
  @JdbcRepository(dialect = Dialect.ANSI)
  @Requires(property = "bad.repository", value = "row-bound-field-set")
  public interface RowBoundFieldSet extends GenericRepository<Customer, String> {
    void update(@Id String id, String note);
  }

  /** Methods that work: equality on the deterministic login, and setting an unbound body. */
  @JdbcRepository(dialect = Dialect.ANSI)
  @Requires(property = "bad.repository", value = "fine")
  public interface FineCustomers extends GenericRepository<Customer, String> {
    boolean existsByLogin(String login);

    void deleteByLogin(String login);

    List<Customer> findByNoteIsNull();
  }

  /** Setting a randomized field that is not bound to its row, by its id. */
  @JdbcRepository(dialect = Dialect.ANSI)
  @Requires(property = "bad.repository", value = "fine")
  public interface FineMemos extends GenericRepository<Memo, Long> {
    void update(@Id Long id, String body);
  }
}
