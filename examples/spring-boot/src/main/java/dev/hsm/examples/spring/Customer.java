package dev.hsm.examples.spring;

import dev.hsm.annotation.Encrypted;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A customer. The e-mail is encrypted deterministically (AES-256-GCM-SIV), so {@code findByEmail}
 * still works; the phone number with a random nonce (AES-256-GCM). The columns hold only
 * ciphertext; this record only ever holds plaintext.
 */
@Table("customer")
public record Customer(
    @Id Long id,
    String name,
    @Encrypted(key = "lookup", deterministic = true, context = "customer.email") String email,
    @Encrypted(key = "pii", context = "customer.phone") String phone) {}
