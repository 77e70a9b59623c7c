package dev.hsm.micronaut.data;

import dev.hsm.annotation.Encrypted;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

/**
 * The contract's {@code contact}, as an immutable record: an id the application assigns, a
 * deterministic e-mail and two randomized fields bound to their row.
 */
@MappedEntity("contact")
public record Contact(
    @Id String id,
    String name,
    @Encrypted(key = "pii-search", deterministic = true, context = "contact.email") String email,
    @Encrypted(key = "pii", context = "contact.address") String address,
    @Encrypted(key = "pii", context = "contact.phone") String phone) {}
