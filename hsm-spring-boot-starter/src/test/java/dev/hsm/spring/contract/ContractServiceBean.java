package dev.hsm.spring.contract;

import dev.hsm.annotation.Encrypted;
import dev.hsm.annotation.Signed;
import dev.hsm.contract.ContractService;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Service;

/** {@link ContractService} with the annotations its javadoc gives, as a plain Spring bean. */
@Service
public class ContractServiceBean implements ContractService {
  private final AtomicInteger bodyRuns = new AtomicInteger();

  @Override
  @Signed(key = "receipts")
  public String receipt(String order) {
    bodyRuns.incrementAndGet();
    return "paid " + order;
  }

  @Override
  @Signed(key = "receipts")
  public byte[] receiptBytes(byte[] payload) {
    bodyRuns.incrementAndGet();
    return payload;
  }

  @Override
  public String acceptSigned(@Signed(key = "receipts") String order) {
    bodyRuns.incrementAndGet();
    return order;
  }

  @Override
  @Encrypted(key = "pii", context = "customer.email")
  public String encryptEmail(String email) {
    bodyRuns.incrementAndGet();
    return email;
  }

  @Override
  public String acceptEncrypted(@Encrypted(key = "pii", context = "customer.email") String email) {
    bodyRuns.incrementAndGet();
    return email;
  }

  @Override
  public byte[] acceptEncryptedBytes(@Encrypted(key = "pii", context = "blob") byte[] blob) {
    bodyRuns.incrementAndGet();
    return blob;
  }

  @Override
  @Signed(key = "pq-receipts")
  public String pqReceipt(String order) {
    bodyRuns.incrementAndGet();
    return "paid " + order;
  }

  @Override
  @Encrypted(key = "pq-pii", context = "customer.card")
  public String pqEncrypt(String card) {
    bodyRuns.incrementAndGet();
    return card;
  }

  @Override
  public String acceptPqEncrypted(
      @Encrypted(key = "pq-pii", context = "customer.card") String card) {
    bodyRuns.incrementAndGet();
    return card;
  }

  @Override
  public int bodyRuns() {
    return bodyRuns.get();
  }
}
