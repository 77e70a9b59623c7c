package dev.hsm.spring.data;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.repository.ListCrudRepository;

public interface CustomerRepository extends ListCrudRepository<Customer, String> {
  Optional<Customer> findByEmail(String email);

  List<Customer> findByEmailIn(Collection<String> emails);

  List<Customer> findByNameAndEmail(String name, String email);

  long countByEmail(String email);

  List<Customer> findByEmailIsNull();
}
