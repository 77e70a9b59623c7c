package dev.hsm.micronaut.data;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.convert.ConversionContext;
import io.micronaut.data.model.runtime.convert.AttributeConverter;
import jakarta.inject.Singleton;

/**
 * Micronaut Data's converter for {@code @Encrypted} entity fields (mapped to it at compile time by
 * {@code hsm-micronaut-annotations}): writing a column encrypts, reading decrypts. With {@code
 * deterministic = true} equal values give equal ciphertexts, so a {@code findByEmail(String email)}
 * finder compares ciphertexts and still works; its parameter must be named after the property.
 */
@Singleton
@Requires(classes = AttributeConverter.class)
public class EncryptedAttributeConverter implements AttributeConverter<Object, String> {
  private final EncryptedFields fields;

  /** Created by Micronaut. */
  public EncryptedAttributeConverter(EncryptedFields fields) {
    this.fields = fields;
  }

  @Override
  public String convertToPersistedValue(Object entityValue, ConversionContext context) {
    return entityValue == null ? null : column(context).toColumn(entityValue);
  }

  @Override
  public Object convertToEntityValue(String persistedValue, ConversionContext context) {
    return persistedValue == null ? null : column(context).fromColumn(persistedValue);
  }

  private EncryptedFields.Column column(ConversionContext context) {
    if (!(context instanceof ArgumentConversionContext<?> argumentContext)) {
      throw new IllegalStateException(
          "Micronaut Data called the @Encrypted converter without naming the property");
    }
    return fields.column(argumentContext.getArgument());
  }
}
