package dev.hsm.examples.spring;

import dev.hsm.annotation.Signed;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/** Issues receipts; the caller receives each one signed, as a JWS. */
@Service
public class ReceiptService {
  private final JsonMapper json;
  private final Clock clock;

  public ReceiptService(JsonMapper json) {
    this.json = json;
    this.clock = Clock.systemUTC();
  }

  /**
   * The receipt's JSON, which the starter signs with the key {@code receipts}: callers get a JWS
   * whose {@code kid} names key and version, verifiable with the published JWK set.
   */
  @Signed(key = "receipts")
  public String issue(Customer customer, String item, long amountCents) {
    Map<String, Object> receipt = new LinkedHashMap<>();
    receipt.put("customer", customer.id());
    receipt.put("item", item);
    receipt.put("amountCents", amountCents);
    receipt.put("issuedAt", Instant.now(clock).toString());
    return json.writeValueAsString(receipt);
  }
}
