package dev.hsm.spring.data;

import dev.hsm.annotation.Encrypted;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * The contract's {@code memo}: an id the database generates, so its encrypted field opts out of row
 * binding (saving it would otherwise be refused).
 */
@Table("memo")
public record Memo(
    @Id Long id, @Encrypted(key = "pii", context = "memo.body", bindToRow = false) String body) {}
