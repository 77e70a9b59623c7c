package dev.hsm.micronaut.unprocessed;

import dev.hsm.annotation.Encrypted;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

/** An entity with an {@code @Encrypted} field, compiled without the annotations jar. */
@MappedEntity("note")
public record Note(@Id String id, @Encrypted(key = "pii", context = "note.body") String body) {}
