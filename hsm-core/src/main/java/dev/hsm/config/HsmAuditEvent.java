package dev.hsm.config;

import dev.hsm.AuditEntry;

/**
 * An audit entry the client wrote, published by both starters as a framework event once its write
 * committed (Spring: an application event with this payload; Micronaut: through {@code
 * ApplicationEventPublisher}). Never carries key material.
 *
 * @param entry the entry; {@link AuditEntry#sequence()} is its position in the chain
 * @param hash the entry's chain hash, in lower-case hex
 */
public record HsmAuditEvent(AuditEntry entry, String hash) {

  /** One JSON object on one line, as written to the {@code dev.hsm.audit} logger. */
  public String toJson() {
    return AuditJson.entry(entry, hash);
  }
}
