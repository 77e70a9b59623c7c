package dev.hsm.micronaut.data;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.UUID;

/** Badges, with ids Micronaut Data generates in the application. */
@JdbcRepository(dialect = Dialect.ANSI)
public interface BadgeRepository extends CrudRepository<Badge, UUID> {}
