package dev.hsm.spring.data;

import java.util.List;
import java.util.Optional;
import org.springframework.data.repository.Repository;

/**
 * The repositories {@code EncryptedFinderContract} starts an application with, one per case;
 * nested, so that only a test that asks for one gets it.
 */
public final class ContractFinders {
  private ContractFinders() {}

  /** The deterministic e-mail: equality works on it. */
  public interface ByEmail extends Repository<Contact, String> {
    Optional<Contact> findByEmail(String email);

    long countByEmail(String email);
  }

  /** The randomized address, bound to its row. */
  public interface ByAddress extends Repository<Contact, String> {
    List<Contact> findByAddress(String address);
  }

  /** The randomized memo body, opted out of row binding. */
  public interface ByBody extends Repository<Memo, Long> {
    List<Memo> findByBody(String body);
  }
}
