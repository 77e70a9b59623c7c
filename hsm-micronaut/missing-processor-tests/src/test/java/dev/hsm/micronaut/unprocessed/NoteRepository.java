package dev.hsm.micronaut.unprocessed;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

/** The notes, compiled without the annotations jar. */
@JdbcRepository(dialect = Dialect.ANSI)
public interface NoteRepository extends CrudRepository<Note, String> {}
