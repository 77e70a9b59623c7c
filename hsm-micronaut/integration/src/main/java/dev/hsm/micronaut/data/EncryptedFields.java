package dev.hsm.micronaut.data;

import dev.hsm.HsmClient;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.annotation.BoundaryConverter;
import dev.hsm.annotation.BoundaryConverter.Direction;
import dev.hsm.annotation.Encrypted;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.AnnotationMetadata;
import io.micronaut.core.beans.BeanIntrospection;
import io.micronaut.core.beans.BeanIntrospector;
import io.micronaut.core.beans.BeanProperty;
import io.micronaut.core.type.Argument;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.model.runtime.convert.AttributeConverter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code @Encrypted} fields of every Micronaut Data entity, checked when the application
 * starts: a field of another type than {@code String} or {@code byte[]}, an unknown key, a key that
 * is not AEAD or lacks ENCRYPT/DECRYPT, or a {@code deterministic} flag that does not match the key
 * fails start-up with a message naming {@code Entity.field} and the key.
 *
 * <p>The column holds the ciphertext envelope (Base64url text for a {@code String} field, bytes for
 * {@code byte[]}); a {@code String} field's plaintext is its UTF-8 encoding.
 */
@Context
@Requires(classes = AttributeConverter.class)
public class EncryptedFields {
  private final HsmClient hsm;
  private final Map<Spec, Column> columns = new ConcurrentHashMap<>();
  private final Map<String, Set<Spec>> byPropertyName = new ConcurrentHashMap<>();

  /** Created by Micronaut at start-up; validates every {@code @Encrypted} entity field. */
  public EncryptedFields(HsmClient hsm) {
    this.hsm = hsm;
    for (BeanIntrospection<Object> entity :
        BeanIntrospector.SHARED.findIntrospections(MappedEntity.class)) {
      for (BeanProperty<Object, Object> property : entity.getBeanProperties()) {
        if (property.hasAnnotation(Encrypted.class)) {
          Encrypted encrypted = property.synthesize(Encrypted.class);
          String where = entity.getBeanType().getName() + "." + property.getName();
          Spec spec = new Spec(encrypted, property.getType());
          columns.computeIfAbsent(spec, s -> new Column(encrypted, s.type(), where));
          byPropertyName.computeIfAbsent(property.getName(), n -> new LinkedHashSet<>()).add(spec);
        }
      }
    }
  }

  /**
   * The column conversion for a value described by {@code argument}: an entity property (whose
   * metadata carries {@code @Encrypted}), or a repository query parameter, which is matched to the
   * encrypted entity property of the same name.
   */
  Column column(Argument<?> argument) {
    AnnotationMetadata metadata = argument.getAnnotationMetadata();
    if (metadata.hasAnnotation(Encrypted.class)) {
      Encrypted encrypted = metadata.synthesize(Encrypted.class);
      Spec spec = new Spec(encrypted, argument.getType());
      return columns.computeIfAbsent(
          spec, s -> new Column(encrypted, s.type(), argument.getName()));
    }
    Set<Spec> candidates = byPropertyName.getOrDefault(argument.getName(), Set.of());
    if (candidates.size() == 1) {
      Spec field = candidates.iterator().next();
      return columns.get(field);
    }
    throw new IllegalStateException(
        "query parameter '"
            + argument.getName()
            + "' is compared with an @Encrypted column, but "
            + (candidates.isEmpty()
                ? "no @Encrypted entity property is named '" + argument.getName() + "'"
                : "several @Encrypted entity properties named '"
                    + argument.getName()
                    + "' use different keys or contexts")
            + "; name the repository method's parameter after the entity property it compares with");
  }

  /** What decides a column's conversion: the annotation's members and the property type. */
  record Spec(String key, boolean deterministic, String context, Class<?> type) {
    Spec(Encrypted encrypted, Class<?> type) {
      this(encrypted.key(), encrypted.deterministic(), encrypted.context(), type);
    }
  }

  /**
   * Encrypts values for a column and decrypts them back, validated at creation. The column holds
   * the envelope as unpadded Base64url text (for {@code String} fields exactly as the Spring Boot
   * starter stores them; {@code byte[]} fields are stored the same way here).
   */
  final class Column {
    private static final java.util.Base64.Encoder TEXT =
        java.util.Base64.getUrlEncoder().withoutPadding();
    private static final java.util.Base64.Decoder FROM_TEXT = java.util.Base64.getUrlDecoder();

    private final boolean text;
    private final BoundaryConverter out;
    private final BoundaryConverter in;

    /** Validates everything (type, key, kind, determinism, operations), naming {@code where}. */
    Column(Encrypted encrypted, Class<?> type, String where) {
      // the declared type must be String or byte[]: BoundaryConverter's own check and message
      BoundaryConverter.of(encrypted, type, Direction.OUT, where, hsm::key);
      this.text = type == String.class;
      this.out = BoundaryConverter.of(encrypted, byte[].class, Direction.OUT, where, hsm::key);
      this.in = BoundaryConverter.of(encrypted, byte[].class, Direction.IN, where, hsm::key);
    }

    String toColumn(Object value) {
      byte[] plain = text ? ((String) value).getBytes(StandardCharsets.UTF_8) : (byte[]) value;
      return TEXT.encodeToString((byte[]) out.apply(plain));
    }

    Object fromColumn(String stored) {
      byte[] envelope;
      try {
        envelope = FROM_TEXT.decode(stored);
      } catch (IllegalArgumentException e) {
        throw new InvalidCiphertextException(
            "an @Encrypted column holds text that is not unpadded Base64url");
      }
      byte[] plain = (byte[]) in.apply(envelope);
      return text ? new String(plain, StandardCharsets.UTF_8) : plain;
    }
  }
}
