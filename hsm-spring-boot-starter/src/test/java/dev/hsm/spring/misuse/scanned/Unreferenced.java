package dev.hsm.spring.misuse.scanned;

import dev.hsm.annotation.Encrypted;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** Known to Spring Data only through {@code @Table} scanning: no repository uses it. */
@Table("unreferenced")
public record Unreferenced(@Id Long id, @Encrypted(key = "nope") String secret) {}
