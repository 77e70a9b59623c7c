package dev.hsm.spring.data;

import dev.hsm.annotation.Encrypted;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** A transactional service with an {@code @Encrypted} method: two kinds of advice on one bean. */
@Service
@Transactional(readOnly = true)
public class CustomerService {
  private final CustomerRepository customers;
  private volatile boolean ranInTransaction;

  public CustomerService(CustomerRepository customers) {
    this.customers = customers;
  }

  /** The customer's notes, encrypted for export. */
  @Encrypted(key = "pii", context = "customer.export")
  public String exportNotes(String id) {
    ranInTransaction = TransactionSynchronizationManager.isActualTransactionActive();
    return customers.findById(id).orElseThrow().notes();
  }

  public boolean ranInTransaction() {
    return ranInTransaction;
  }
}
