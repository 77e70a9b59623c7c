package dev.hsm.spring.misuse;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.Repository;

/** One repository per derived-query misuse, and one that is fine. */
public final class AccountRepositories {
  private AccountRepositories() {}

  public interface Fine extends Repository<Account, Long> {
    Optional<Account> findByEmail(String email);

    List<Account> findByEmailIsNotNull();

    /** No argument, no ciphertext compared: fine on a randomized field too. */
    List<Account> findByNotesIsNull();

    @Query("SELECT * FROM account WHERE notes = :notes")
    List<Account> declaredQueriesAreLeftAlone(String notes);
  }

  public interface QueriesARandomizedField extends Repository<Account, Long> {
    List<Account> findByNotes(String notes);
  }

  public interface QueriesWithLike extends Repository<Account, Long> {
    List<Account> findByEmailLike(String pattern);
  }

  public interface QueriesIgnoringCase extends Repository<Account, Long> {
    List<Account> findByEmailIgnoreCase(String email);
  }

  public interface OrdersByAnEncryptedField extends Repository<Account, Long> {
    List<Account> findAllByOrderByEmail();
  }

  public interface QueriesWithAnotherType extends Repository<Account, Long> {
    List<Account> findByEmail(Integer email);
  }
}
