package dev.hsm.spring.data;

import dev.hsm.annotation.Encrypted;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * The contract's {@code contact}: an id the application assigns, a deterministic e-mail and two
 * randomized fields bound to their row.
 */
@Table("contact")
public record Contact(
    @Id String id,
    String name,
    @Encrypted(key = "pii-search", deterministic = true, context = "contact.email") String email,
    @Encrypted(key = "pii", context = "contact.address") String address,
    @Encrypted(key = "pii", context = "contact.phone") String phone) {}
