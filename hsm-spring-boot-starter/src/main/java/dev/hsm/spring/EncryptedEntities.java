package dev.hsm.spring;

import dev.hsm.KeyHandle;
import dev.hsm.annotation.Encrypted;
import dev.hsm.annotation.EncryptedEntityField;
import dev.hsm.annotation.InvalidAnnotationException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.data.mapping.Parameter;
import org.springframework.data.mapping.PersistentPropertyAccessor;
import org.springframework.data.mapping.model.EntityInstantiators;
import org.springframework.data.mapping.model.InstantiationAwarePropertyAccessor;
import org.springframework.data.mapping.model.ParameterValueProvider;
import org.springframework.data.relational.core.conversion.IdValueSource;
import org.springframework.data.relational.core.mapping.RelationalMappingContext;
import org.springframework.data.relational.core.mapping.RelationalPersistentEntity;
import org.springframework.data.relational.core.mapping.RelationalPersistentProperty;
import org.springframework.util.ReflectionUtils;

/**
 * {@code @Encrypted} fields of Spring Data JDBC aggregate roots: which fields, each with core's
 * checked {@link EncryptedEntityField} (the Micronaut module's rules, messages and column format),
 * and the two conversions between an aggregate as the application holds it (plaintext) and as it is
 * stored (ciphertext, randomized fields bound to the row's id). Plans are built once per class and
 * validated: a wrong use fails naming the field and the key.
 */
final class EncryptedEntities {
  private final Supplier<RelationalMappingContext> mappingContext;
  private final Function<String, KeyHandle> keys;
  private final EntityInstantiators instantiators = new EntityInstantiators();
  private final Map<Class<?>, Plan> plans = new ConcurrentHashMap<>();

  EncryptedEntities(
      Supplier<RelationalMappingContext> mappingContext, Function<String, KeyHandle> keys) {
    this.mappingContext = mappingContext;
    this.keys = keys;
  }

  /** One encrypted field: its property, its annotation and its checked conversion. */
  record Field(
      RelationalPersistentProperty property,
      Encrypted annotation,
      EncryptedEntityField conversion) {
    /** {@code Entity.field (field)}, for messages. */
    String where() {
      return conversion.location().where() + " (field)";
    }
  }

  /** The encrypted fields of one entity class (none for most classes). */
  record Plan(RelationalPersistentEntity<?> entity, Map<String, Field> fields) {
    boolean isEmpty() {
      return fields.isEmpty();
    }
  }

  /**
   * The plan for {@code type}, built and validated on first use.
   *
   * @throws InvalidAnnotationException if an {@code @Encrypted} field cannot work
   */
  Plan plan(Class<?> type) {
    Plan plan = plans.get(type);
    return plan != null ? plan : plans.computeIfAbsent(type, this::build);
  }

  /** Validates every entity the mapping context knows now. */
  void validateKnownEntities() {
    for (RelationalPersistentEntity<?> entity : mappingContext.get().getPersistentEntities()) {
      plan(entity.getType());
    }
  }

  private Plan build(Class<?> type) {
    RelationalPersistentEntity<?> entity = mappingContext.get().getPersistentEntity(type);
    if (entity == null) {
      return new Plan(null, Map.of());
    }
    Map<String, Field> fields = new HashMap<>();
    RelationalPersistentProperty id = entity.getIdProperty();
    for (RelationalPersistentProperty property : entity) {
      Encrypted annotation = property.findAnnotation(Encrypted.class);
      String where = type.getName() + "." + property.getName() + " (field)";
      if (annotation != null) {
        EncryptedEntityField.Location location =
            new EncryptedEntityField.Location(
                type,
                property.getName(),
                entity.getTableName().getReference(),
                property.getColumnName().getReference(),
                id == null ? null : id.getType(),
                id != null && id.hasSequence());
        fields.put(
            property.getName(),
            new Field(
                property,
                annotation,
                EncryptedEntityField.of(annotation, property.getType(), location, keys)));
      } else if (property.isEntity()) {
        rejectNestedEncryptedFields(property.getActualType(), where);
      }
    }
    return new Plan(entity, Map.copyOf(fields));
  }

  /**
   * Fields of nested entities and embedded values are not converted: refuse instead of storing
   * plaintext.
   */
  private static void rejectNestedEncryptedFields(Class<?> nested, String where) {
    ReflectionUtils.doWithFields(
        nested,
        field -> {
          Encrypted annotation = field.getAnnotation(Encrypted.class);
          if (annotation != null) {
            throw new InvalidAnnotationException(
                "@Encrypted(key = \""
                    + annotation.key()
                    + "\") on "
                    + nested.getName()
                    + "."
                    + field.getName()
                    + " (field): it is reached through "
                    + where
                    + ", and only the aggregate root's own"
                    + " fields are encrypted; move the field to the root or encrypt it in the application");
          }
        });
  }

  /**
   * A copy of {@code aggregate} with each encrypted field replaced by its ciphertext, for the row
   * its id names: what gets written. The application's instance is left untouched, so it never
   * holds ciphertext.
   *
   * @throws dev.hsm.annotation.InvalidAnnotationException if a field bound to its row has a value
   *     but the id is not set (Spring Data would let the database generate it); nothing is written
   */
  @SuppressWarnings("unchecked")
  <T> T toStored(T aggregate) {
    Plan plan = plan(aggregate.getClass());
    if (plan.isEmpty()) {
      return aggregate;
    }
    RelationalPersistentEntity<T> entity = (RelationalPersistentEntity<T>) plan.entity();
    Object id =
        IdValueSource.forInstance(aggregate, entity) == IdValueSource.GENERATED
            ? null
            : entity.getIdentifierAccessor(aggregate).getIdentifier();
    PersistentPropertyAccessor<T> source = entity.getPropertyAccessor(aggregate);
    Map<RelationalPersistentProperty, Object> values = new HashMap<>();
    for (RelationalPersistentProperty property : entity) {
      Object value = source.getProperty(property);
      Field field = plan.fields().get(property.getName());
      values.put(property, field == null ? value : field.conversion().toColumn(value, id));
    }
    T fresh =
        instantiators
            .getInstantiatorFor(entity)
            .createInstance(
                entity,
                new ParameterValueProvider<RelationalPersistentProperty>() {
                  @Override
                  public <X> X getParameterValue(
                      Parameter<X, RelationalPersistentProperty> parameter) {
                    return (X)
                        values.get(
                            entity.getRequiredPersistentProperty(
                                Objects.requireNonNull(parameter.getName())));
                  }
                });
    PersistentPropertyAccessor<T> target =
        new InstantiationAwarePropertyAccessor<>(fresh, entity::getPropertyAccessor, instantiators);
    for (RelationalPersistentProperty property : entity) {
      Object value = values.get(property);
      if (!entity.isCreatorArgument(property)
          && !Objects.equals(target.getProperty(property), value)) {
        target.setProperty(property, value);
      }
    }
    return target.getBean();
  }

  /**
   * {@code stored} (an instance the starter or Spring Data made, never the application's) with each
   * encrypted field decrypted: set in place where the field is mutable, else through a new instance
   * (wither or constructor).
   *
   * @throws dev.hsm.InvalidCiphertextException naming the entity and field if a column was tampered
   *     with, or copied from another row, column or table
   */
  @SuppressWarnings("unchecked")
  <T> T fromStored(T stored) {
    Plan plan = plan(stored.getClass());
    if (plan.isEmpty()) {
      return stored;
    }
    RelationalPersistentEntity<T> entity = (RelationalPersistentEntity<T>) plan.entity();
    Object id = entity.getIdentifierAccessor(stored).getIdentifier();
    PersistentPropertyAccessor<T> accessor =
        new InstantiationAwarePropertyAccessor<>(
            stored, entity::getPropertyAccessor, instantiators);
    for (Field field : plan.fields().values()) {
      accessor.setProperty(
          field.property(),
          field.conversion().fromColumn(accessor.getProperty(field.property()), id));
    }
    return accessor.getBean();
  }

  /** The encrypted field named {@code property} of {@code type}, if any. */
  Optional<Field> field(Class<?> type, String property) {
    return Optional.ofNullable(plan(type).fields().get(property));
  }
}
