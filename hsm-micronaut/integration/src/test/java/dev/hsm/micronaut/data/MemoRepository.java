package dev.hsm.micronaut.data;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

/** The contract's memos. */
@JdbcRepository(dialect = Dialect.ANSI)
public interface MemoRepository extends CrudRepository<Memo, Long> {}
