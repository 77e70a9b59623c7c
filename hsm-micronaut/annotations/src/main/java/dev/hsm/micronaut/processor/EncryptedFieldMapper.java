package dev.hsm.micronaut.processor;

import io.micronaut.core.annotation.AnnotationClassValue;
import io.micronaut.core.annotation.AnnotationValue;
import io.micronaut.inject.annotation.NamedAnnotationMapper;
import io.micronaut.inject.visitor.VisitorContext;
import java.lang.annotation.Annotation;
import java.util.List;

/**
 * Gives every {@code @Encrypted} element Micronaut Data's mapping to hsm-micronaut's converter: the
 * column is text holding the ciphertext envelope in unpadded Base64url (the converter's persisted
 * type, {@code String}, decides that), as the Spring Boot starter stores {@code String} fields; the
 * object holds the plaintext. On a method or a parameter, Micronaut Data never reads it. Matched by
 * name, so neither hsm-core nor Micronaut Data has to be on the processor path.
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
            .build());
  }
}
