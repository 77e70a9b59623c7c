package dev.hsm.spring.misuse;

import dev.hsm.annotation.Encrypted;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Sequence;
import org.springframework.data.repository.Repository;

/** Entities whose {@code @Encrypted} fields cannot work, each with a repository. */
public final class BadEntities {
  private BadEntities() {}

  public record SigningKeyField(@Id Long id, @Encrypted(key = "receipts") String secret) {}

  public interface SigningKeyFieldRepository extends Repository<SigningKeyField, Long> {}

  public record IntField(@Id Long id, @Encrypted(key = "pii") int pin) {}

  public interface IntFieldRepository extends Repository<IntField, Long> {}

  /** A randomized field bound to its row, on an id a database sequence generates. */
  public record SequenceId(
      @Id @Sequence("sequence_id_seq") Long id, @Encrypted(key = "pii") String secret) {}

  public interface SequenceIdRepository extends Repository<SequenceId, Long> {}

  public record Child(@Id Long id, @Encrypted(key = "pii") String secret) {}

  public record Parent(@Id Long id, Child child) {}

  public interface ParentRepository extends Repository<Parent, Long> {}
}
