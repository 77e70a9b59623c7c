package dev.hsm.spring;

import org.springframework.core.Ordered;
import org.springframework.data.relational.core.mapping.event.AfterConvertCallback;
import org.springframework.data.relational.core.mapping.event.AfterSaveCallback;
import org.springframework.data.relational.core.mapping.event.BeforeConvertCallback;

/**
 * Spring Data JDBC entity callbacks for {@code @Encrypted} fields of aggregate roots. Writing, the
 * aggregate is copied with its encrypted fields as ciphertext, so the columns hold ciphertext and
 * the application's instance never does; after the write, and whenever an aggregate is read, the
 * fields are decrypted. Use the instance {@code save} returns, as {@code CrudRepository.save} asks:
 * the one passed in is not modified (it gets no generated id).
 */
final class EncryptedEntityCallbacks {
  private EncryptedEntityCallbacks() {}

  /** Encrypts last, so other {@code BeforeConvert} callbacks (auditing...) see plaintext. */
  static final class Encrypting implements BeforeConvertCallback<Object>, Ordered {
    private final EncryptedEntities entities;

    Encrypting(EncryptedEntities entities) {
      this.entities = entities;
    }

    @Override
    public Object onBeforeConvert(Object aggregate) {
      return entities.toStored(aggregate);
    }

    @Override
    public int getOrder() {
      return Ordered.LOWEST_PRECEDENCE;
    }
  }

  /** Decrypts first, so other {@code AfterSave} / {@code AfterConvert} callbacks see plaintext. */
  static final class Decrypting
      implements AfterSaveCallback<Object>, AfterConvertCallback<Object>, Ordered {
    private final EncryptedEntities entities;

    Decrypting(EncryptedEntities entities) {
      this.entities = entities;
    }

    @Override
    public Object onAfterSave(Object aggregate) {
      return entities.fromStored(aggregate);
    }

    @Override
    public Object onAfterConvert(Object aggregate) {
      return entities.fromStored(aggregate);
    }

    @Override
    public int getOrder() {
      return Ordered.HIGHEST_PRECEDENCE;
    }
  }
}
