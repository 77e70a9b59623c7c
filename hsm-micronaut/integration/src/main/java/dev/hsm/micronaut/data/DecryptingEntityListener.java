package dev.hsm.micronaut.data;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import io.micronaut.data.annotation.event.PostLoad;
import io.micronaut.data.event.EntityEventContext;
import io.micronaut.data.event.EntityEventListener;
import io.micronaut.data.model.runtime.RuntimePersistentEntity;
import jakarta.inject.Singleton;
import java.lang.annotation.Annotation;

/**
 * After an entity with {@code @Encrypted} fields is read: decrypts each field with its row's id, so
 * a value copied from another row fails with {@link dev.hsm.InvalidCiphertextException} naming the
 * entity and field instead of showing that row's data. Runs first, so other listeners see
 * plaintext.
 */
@Singleton
@Requires(classes = EntityEventListener.class)
public class DecryptingEntityListener implements EntityEventListener<Object> {
  private final EncryptedFields fields;

  /** Created by Micronaut. */
  public DecryptingEntityListener(EncryptedFields fields) {
    this.fields = fields;
  }

  @Override
  public boolean supports(
      RuntimePersistentEntity<Object> entity, Class<? extends Annotation> eventType) {
    return eventType == PostLoad.class
        && fields.entity(entity.getIntrospection().getBeanType()) != null;
  }

  @Override
  public void postLoad(EntityEventContext<Object> context) {
    EncryptedFields.EntityFields entity =
        fields.entity(context.getPersistentEntity().getIntrospection().getBeanType());
    Object id = entity.idOf(context.getEntity());
    for (EncryptedFields.Field field : entity.fields()) {
      Object stored = field.property().get(context.getEntity());
      if (stored != null) {
        context.setProperty(field.property(), field.conversion().fromColumn(stored, id));
      }
    }
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
