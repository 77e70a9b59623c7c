package dev.hsm.examples.micronaut;

import dev.hsm.annotation.Signed;
import jakarta.inject.Singleton;

/** Turns a receipt into a JWS signed with the {@code receipts} key; the body only composes it. */
@Singleton
public class ReceiptSigner {
  @Signed(key = "receipts")
  public String sign(String receiptJson) {
    return receiptJson;
  }
}
