package dev.hsm.micronaut.processor;

import io.micronaut.core.annotation.AnnotationClassValue;
import io.micronaut.core.annotation.AnnotationValue;
import io.micronaut.inject.annotation.NamedAnnotationMapper;
import io.micronaut.inject.visitor.VisitorContext;
import java.lang.annotation.Annotation;
import java.util.List;

/**
 * Gives every {@code @Encrypted} element Micronaut Data's mapping to hsm-micronaut's converter,
 * stored as a {@code BYTE_ARRAY} column: on an entity field the column then holds the ciphertext
 * envelope and the object the plaintext. On a method or a parameter, Micronaut Data never reads
 * it. Matched by name, so neither hsm-core nor Micronaut Data has to be on the processor path.
 */
public final class EncryptedFieldMapper implements NamedAnnotationMapper {
  static final String CONVERTER = "dev.hsm.micronaut.data.EncryptedAttributeConverter";

  @Override
  public String getName() {
    return HsmBoundaryVisitor.ENCRYPTED;
  }

  @Override
  public List<AnnotationValue<?>> map(
      AnnotationValue<Annotation> annotation, VisitorContext visitorContext) {
    return List.of(
        AnnotationValue.builder("io.micronaut.data.annotation.MappedProperty")
            .member("converter", new AnnotationClassValue<>(CONVERTER))
            .member("type", "BYTE_ARRAY")
            .build());
  }
}
