package dev.hsm.examples.spring;

import java.util.Optional;
import org.springframework.data.repository.ListCrudRepository;

/** Customers; {@code findByEmail} takes the plaintext e-mail, the starter encrypts it. */
public interface CustomerRepository extends ListCrudRepository<Customer, String> {
  Optional<Customer> findByEmail(String email);
}
