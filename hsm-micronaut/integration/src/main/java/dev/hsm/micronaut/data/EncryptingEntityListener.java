package dev.hsm.micronaut.data;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import io.micronaut.data.annotation.event.PrePersist;
import io.micronaut.data.annotation.event.PreUpdate;
import io.micronaut.data.event.EntityEventContext;
import io.micronaut.data.event.EntityEventListener;
import io.micronaut.data.model.runtime.RuntimePersistentEntity;
import jakarta.inject.Singleton;
import java.lang.annotation.Annotation;

/**
 * Before an entity with {@code @Encrypted} fields is inserted or updated: encrypts each field for
 * its row (the id is read now, after Micronaut's own listeners such as {@code @AutoPopulated} UUID
 * ids have run: this one runs last) and leaves an equal copy of the plaintext in the field, which
 * {@link EncryptedAttributeConverter} turns into the column value computed here. A field bound to
 * its row, with a value, on an entity whose id is not set is refused before anything is written.
 */
@Singleton
@Requires(classes = EntityEventListener.class)
public class EncryptingEntityListener implements EntityEventListener<Object> {
  private final EncryptedFields fields;

  /** Created by Micronaut. */
  public EncryptingEntityListener(EncryptedFields fields) {
    this.fields = fields;
  }

  @Override
  public boolean supports(
      RuntimePersistentEntity<Object> entity, Class<? extends Annotation> eventType) {
    return (eventType == PrePersist.class || eventType == PreUpdate.class)
        && fields.entity(entity.getIntrospection().getBeanType()) != null;
  }

  @Override
  public boolean prePersist(EntityEventContext<Object> context) {
    encrypt(context);
    return true;
  }

  @Override
  public boolean preUpdate(EntityEventContext<Object> context) {
    encrypt(context);
    return true;
  }

  private void encrypt(EntityEventContext<Object> context) {
    EncryptedFields.EntityFields entity =
        fields.entity(context.getPersistentEntity().getIntrospection().getBeanType());
    Object id = entity.idOf(context.getEntity());
    for (EncryptedFields.Field field : entity.fields()) {
      Object value = field.property().get(context.getEntity());
      if (value != null) {
        context.setProperty(field.property(), fields.prepareWrite(field.conversion(), value, id));
      }
    }
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
