package dev.hsm.spring.misuse;

import dev.hsm.annotation.Encrypted;
import org.springframework.data.annotation.Id;

public record Account(
    @Id Long id,
    @Encrypted(key = "lookup", deterministic = true, context = "account.email") String email,
    @Encrypted(key = "pii", context = "account.notes") String notes) {}
