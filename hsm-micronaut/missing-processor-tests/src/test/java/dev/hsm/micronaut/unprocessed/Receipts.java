package dev.hsm.micronaut.unprocessed;

import dev.hsm.annotation.Signed;
import jakarta.inject.Singleton;

/**
 * A bean using {@code @Signed} as the documentation shows, compiled without the annotations jar.
 */
@Singleton
public class Receipts {

  /** Should return a JWS of {@code receipt}. */
  @Signed(key = "receipts")
  public String issue(String receipt) {
    return receipt;
  }

  /** Should accept only a JWS made by {@code receipts}, and receive its payload. */
  public String accept(@Signed(key = "receipts") String receipt) {
    return receipt;
  }
}
