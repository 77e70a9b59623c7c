package dev.hsm.spring.data;

import java.util.Optional;
import org.springframework.data.repository.ListCrudRepository;

/** The contract's contacts. */
public interface ContactRepository extends ListCrudRepository<Contact, String> {
  Optional<Contact> findByEmail(String email);
}
