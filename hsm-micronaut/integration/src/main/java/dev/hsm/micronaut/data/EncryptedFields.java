package dev.hsm.micronaut.data;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.annotation.Encrypted;
import dev.hsm.annotation.EncryptedEntityField;
import dev.hsm.annotation.InvalidAnnotationException;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.AnnotationMetadata;
import io.micronaut.core.beans.BeanIntrospection;
import io.micronaut.core.beans.BeanIntrospector;
import io.micronaut.core.beans.BeanProperty;
import io.micronaut.core.type.Argument;
import io.micronaut.data.annotation.Embeddable;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.model.runtime.RuntimePersistentEntity;
import io.micronaut.data.model.runtime.RuntimePersistentProperty;
import io.micronaut.data.model.runtime.convert.AttributeConverter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code @Encrypted} fields of every Micronaut Data entity, checked when the application starts
 * with hsm-core's {@link EncryptedEntityField} (the Spring Boot starter's rules and messages): a
 * field of another type than {@code String} or {@code byte[]}, an unknown key, a key that is not
 * AEAD or lacks ENCRYPT/DECRYPT, a {@code deterministic} flag that does not match the key, or a
 * field bound to its row on an entity whose id is {@code @GeneratedValue} fails start-up with a
 * message naming {@code Entity.field} and the key.
 *
 * <p>How a value reaches its column: before an insert or update, {@link EncryptingEntityListener}
 * encrypts each field for its row and puts a fresh copy of the plaintext in the field, which it
 * registers here with the column value; {@link EncryptedAttributeConverter} then writes the column
 * value registered for exactly that copy. The entity never holds ciphertext. Reading, the converter
 * leaves the column value in the field and {@link DecryptingEntityListener} decrypts it once the
 * whole row, id included, is read. Every column holds the envelope as unpadded Base64url text (for
 * {@code String} fields exactly as the Spring Boot starter stores them).
 */
@Context
@Requires(classes = AttributeConverter.class)
public class EncryptedFields {
  private static final Base64.Encoder TEXT = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder FROM_TEXT = Base64.getUrlDecoder();

  private final Map<Class<?>, EntityFields> entities = new HashMap<>();
  private final Map<Spec, Set<EncryptedEntityField>> bySpec = new HashMap<>();
  private final Map<String, Set<Spec>> byPropertyName = new HashMap<>();

  /**
   * Column values computed for the row being written, keyed by the identity of the plaintext copy
   * the entity holds (weakly: an entry goes with its entity).
   */
  private final Cache<Object, String> written = Caffeine.newBuilder().weakKeys().build();

  /** Created by Micronaut at start-up; validates every {@code @Encrypted} entity field. */
  public EncryptedFields(HsmClient hsm) {
    for (BeanIntrospection<Object> introspection :
        BeanIntrospector.SHARED.findIntrospections(MappedEntity.class)) {
      EntityFields entity = entityFields(introspection, hsm::key);
      for (Field field : entity.fields()) {
        Spec spec = spec(field);
        bySpec.computeIfAbsent(spec, s -> new LinkedHashSet<>()).add(field.conversion());
        byPropertyName
            .computeIfAbsent(field.property().getName(), n -> new LinkedHashSet<>())
            .add(spec);
      }
      if (!entity.fields().isEmpty()) {
        entities.put(introspection.getBeanType(), entity);
      }
    }
    for (BeanIntrospection<Object> embeddable :
        BeanIntrospector.SHARED.findIntrospections(Embeddable.class)) {
      for (BeanProperty<Object, Object> property : embeddable.getBeanProperties()) {
        if (property.hasAnnotation(Encrypted.class)) {
          Encrypted encrypted = property.synthesize(Encrypted.class);
          if (encrypted.bindToRow() && !encrypted.deterministic()) {
            throw new InvalidAnnotationException(
                "@Encrypted(key = \""
                    + encrypted.key()
                    + "\") on "
                    + embeddable.getBeanType().getName()
                    + "."
                    + property.getName()
                    + " (field): only an entity's own fields can be bound to their row, and this"
                    + " one is in an embedded value; move it to the entity, or opt it out with"
                    + " @Encrypted(..., bindToRow = false)");
          }
        }
      }
    }
  }

  /**
   * The {@code @Encrypted} persistent properties of the entity {@code introspection} describes,
   * each checked where it is stored: the entity's table and the property's column as Micronaut Data
   * maps them, and its id ({@code @GeneratedValue} means the database generates it).
   *
   * @throws InvalidAnnotationException naming the field and the key, if one cannot work
   */
  @SuppressWarnings("unchecked")
  static EntityFields entityFields(
      BeanIntrospection<?> entityIntrospection, Function<String, KeyHandle> keys) {
    BeanIntrospection<Object> introspection = (BeanIntrospection<Object>) entityIntrospection;
    RuntimePersistentEntity<Object> entity = new RuntimePersistentEntity<>(introspection);
    RuntimePersistentProperty<Object> id =
        entity.hasCompositeIdentity() ? null : entity.getIdentity();
    List<Field> fields = new ArrayList<>();
    for (BeanProperty<Object, Object> property : introspection.getBeanProperties()) {
      RuntimePersistentProperty<Object> persistent = entity.getPropertyByName(property.getName());
      if (persistent == null || !property.hasAnnotation(Encrypted.class)) {
        continue; // not stored (transient, or the id): nothing to convert
      }
      EncryptedEntityField.Location location =
          new EncryptedEntityField.Location(
              introspection.getBeanType(),
              property.getName(),
              entity.getPersistedName(),
              persistent.getPersistedName(),
              id == null ? null : id.getType(),
              id != null && id.isGenerated());
      fields.add(
          new Field(
              property,
              EncryptedEntityField.of(
                  property.synthesize(Encrypted.class), property.getType(), location, keys)));
    }
    return new EntityFields(id == null ? null : id.getProperty(), List.copyOf(fields));
  }

  /** One encrypted property of an entity and its checked conversion. */
  record Field(BeanProperty<Object, Object> property, EncryptedEntityField conversion) {}

  /** The encrypted properties of one entity class, and its id property (null if none). */
  record EntityFields(BeanProperty<Object, Object> id, List<Field> fields) {
    Object idOf(Object entity) {
      return id == null ? null : id.get(entity);
    }
  }

  /** The encrypted fields of {@code type}, or null if it has none. */
  EntityFields entity(Class<?> type) {
    return entities.get(type);
  }

  /**
   * Encrypts {@code value} for {@code field} of the row {@code id} and returns the copy of it the
   * entity should hold while it is written; the converter writes the column value registered for
   * that copy.
   *
   * @throws InvalidAnnotationException if the field is bound to its row and the id is not set
   */
  Object prepareWrite(EncryptedEntityField field, Object value, Object id) {
    String column = text(field.toColumn(value, id));
    Object copy = value instanceof byte[] bytes ? bytes.clone() : new String((String) value);
    written.put(copy, column);
    return copy;
  }

  /**
   * The column value for a property or query parameter described by {@code argument}: the one
   * registered for this exact value if an entity is being written; otherwise (a finder's argument,
   * a partial update) the value encrypted for a field that is not bound to its row, found by the
   * annotation or by the name of the entity property the parameter is named after.
   */
  String toColumn(Object value, Argument<?> argument) {
    String column = written.getIfPresent(value);
    if (column != null) {
      return column;
    }
    return text(unbound(argument).toColumn(value, null));
  }

  /** A column value as the column holds it: a {@code byte[]} field's envelope as Base64url too. */
  private static String text(Object column) {
    return column instanceof byte[] envelope ? TEXT.encodeToString(envelope) : (String) column;
  }

  /**
   * What a column read leaves in the entity until {@link DecryptingEntityListener} decrypts it with
   * the row's id: the text itself for a {@code String} property, the envelope for a {@code byte[]}
   * one (text that is not Base64url is passed on as its bytes, to fail there as invalid).
   */
  static Object fromColumn(String stored, Class<?> type) {
    if (type != byte[].class) {
      return stored;
    }
    try {
      return FROM_TEXT.decode(stored);
    } catch (IllegalArgumentException e) {
      return stored.getBytes(StandardCharsets.US_ASCII);
    }
  }

  private EncryptedEntityField unbound(Argument<?> argument) {
    EncryptedEntityField field = fieldFor(argument, null, null);
    if (field.isRowBound()) {
      throw new InvalidAnnotationException(
          "query parameter '"
              + argument.getName()
              + "' is written or compared without its entity, but "
              + field.location().where()
              + " is bound to its row (randomized, bindToRow = true): its value can only be"
              + " written by saving or updating the entity, and no query can compare it; use"
              + " deterministic = true with an AES_256_GCM_SIV key for fields you query");
    }
    return field;
  }

  /**
   * Checks, at start-up, one parameter of a repository method that Micronaut Data passes to the
   * converter without its entity: the converter must find the field the query uses, and that field
   * must allow what the method does with it.
   *
   * @param entity the repository's entity
   * @param property the entity property the query binds the parameter to (a dotted path through
   *     embedded values or associations)
   * @param parameter the method's parameter, as the converter will receive it
   * @param sets whether the method sets the column from the parameter (a partial update, an insert)
   *     rather than comparing the column with it
   * @param method {@code Repository.method}, for messages
   * @throws InvalidAnnotationException naming the method, the parameter and the field, if the
   *     converter would not find the field, would find another one, or the field cannot be used so
   */
  void checkRepositoryParameter(
      Class<?> entity, String property, Argument<?> parameter, boolean sets, String method) {
    Field target = field(entity, property);
    EncryptedEntityField found = fieldFor(parameter, method, target);
    if (target != null && !bySpec.get(spec(target)).contains(found)) {
      throw new InvalidAnnotationException(
          use(target)
              + ": the repository method "
              + method
              + " passes it its parameter '"
              + parameter.getName()
              + "', but the converter takes the key and context of "
              + found.location().where()
              + (parameter.getAnnotationMetadata().hasAnnotation(Encrypted.class)
                  ? ", which the parameter's own @Encrypted describes"
                  : ", the property the parameter is named after")
              + ", so the value would never match; "
              + rename(parameter, target));
    }
    EncryptedEntityField field = target != null ? target.conversion() : found;
    if (sets) {
      field.requireWritableWithoutEntity(method);
    } else {
      field.requireComparable(method);
    }
  }

  /**
   * The field a value passed without its entity is converted for, as the converter finds it: by the
   * parameter's own {@code @Encrypted}, else by its name.
   *
   * @param method the repository method, or null when it is not known (a call)
   * @param target the field the query uses, or null when it is not known
   */
  private EncryptedEntityField fieldFor(Argument<?> parameter, String method, Field target) {
    AnnotationMetadata metadata = parameter.getAnnotationMetadata();
    String what =
        (method == null ? "query parameter '" : "the repository method " + method + ": parameter '")
            + parameter.getName()
            + "'"
            + (target == null ? "" : " (used with " + target.conversion().location().where() + ")");
    if (metadata.hasAnnotation(Encrypted.class)) {
      Encrypted encrypted = metadata.synthesize(Encrypted.class);
      Set<EncryptedEntityField> fields =
          bySpec.getOrDefault(new Spec(encrypted, parameter.getType()), Set.of());
      if (fields.isEmpty()) {
        throw new InvalidAnnotationException(
            what
                + " is @Encrypted(key = \""
                + encrypted.key()
                + "\"), but no @Encrypted entity field has that key, context and type, so its"
                + " value would match no column; "
                + (target == null
                    ? "give it the annotation of the field it is compared with"
                    : "remove the parameter's annotation, or give it the one on "
                        + target.conversion().location().where()));
      }
      return fields.iterator().next();
    }
    Set<Spec> candidates = byPropertyName.getOrDefault(parameter.getName(), Set.of());
    if (candidates.size() != 1) {
      throw new InvalidAnnotationException(
          what
              + " is passed to an @Encrypted column, but Micronaut Data hands the converter only"
              + " the parameter, and the converter finds the field's key and context by the"
              + " parameter's name: "
              + (candidates.isEmpty()
                  ? "no @Encrypted entity property is named '" + parameter.getName() + "'"
                  : "several @Encrypted entity properties named '"
                      + parameter.getName()
                      + "' use different keys or contexts")
              + "; "
              + (target == null
                  ? "name the repository method's parameter after the entity property it compares"
                      + " with"
                  : rename(parameter, target)));
    }
    return bySpec.get(candidates.iterator().next()).iterator().next();
  }

  private static String rename(Argument<?> parameter, Field target) {
    return "name the parameter '"
        + target.property().getName()
        + "'"
        + (parameter.getAnnotationMetadata().hasAnnotation(Encrypted.class)
            ? " without an @Encrypted of its own"
            : "")
        + ", after the property it is used with";
  }

  private static String use(Field field) {
    return "@Encrypted(key = \""
        + field.property().synthesize(Encrypted.class).key()
        + "\") on "
        + field.conversion().location().where()
        + " (field)";
  }

  private static Spec spec(Field field) {
    return new Spec(field.property().synthesize(Encrypted.class), field.property().getType());
  }

  /**
   * The encrypted field at {@code path} from {@code entity}, through embedded values and
   * associations; null if it is none the application knows (a plain column, a collection).
   */
  private Field field(Class<?> entity, String path) {
    String[] segments = path.split("\\.");
    Class<?> owner = entity;
    for (int i = 0; i < segments.length - 1 && owner != null; i++) {
      String segment = segments[i];
      owner =
          BeanIntrospector.SHARED
              .findIntrospection(owner)
              .flatMap(introspection -> introspection.getProperty(segment))
              .<Class<?>>map(BeanProperty::getType)
              .orElse(null);
    }
    EntityFields fields = owner == null ? null : entities.get(owner);
    if (fields == null) {
      return null;
    }
    String name = segments[segments.length - 1];
    return fields.fields().stream()
        .filter(field -> field.property().getName().equals(name))
        .findFirst()
        .orElse(null);
  }

  /** What decides a field's conversion apart from its row: the annotation and the type. */
  record Spec(String key, boolean deterministic, String context, boolean bindToRow, Class<?> type) {
    Spec(Encrypted encrypted, Class<?> type) {
      this(
          encrypted.key(),
          encrypted.deterministic(),
          encrypted.context(),
          encrypted.bindToRow() && !encrypted.deterministic(),
          type);
    }
  }
}
