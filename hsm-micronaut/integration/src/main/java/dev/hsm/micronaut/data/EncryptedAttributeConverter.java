package dev.hsm.micronaut.data;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.convert.ConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.data.model.runtime.convert.AttributeConverter;
import jakarta.inject.Singleton;

/**
 * Micronaut Data's converter for {@code @Encrypted} entity fields (mapped to it at compile time by
 * {@code hsm-micronaut-annotations}). Writing an entity, it writes the column value {@link
 * EncryptingEntityListener} computed for the row; reading, it leaves the column value in the field
 * for {@link DecryptingEntityListener}, which decrypts it once the row's id is known. A finder's
 * argument ({@code findByEmail(String email)}, whose parameter must be named after the property) is
 * encrypted here, for deterministic fields only: equal values give equal ciphertexts, so the finder
 * compares ciphertexts and still works. {@link EncryptedRepositoryMethods} checks every such
 * repository method when the application starts.
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
    return entityValue == null ? null : fields.toColumn(entityValue, argument(context));
  }

  @Override
  public Object convertToEntityValue(String persistedValue, ConversionContext context) {
    return persistedValue == null
        ? null
        : EncryptedFields.fromColumn(persistedValue, argument(context).getType());
  }

  private static Argument<?> argument(ConversionContext context) {
    if (!(context instanceof ArgumentConversionContext<?> argumentContext)) {
      throw new IllegalStateException(
          "Micronaut Data called the @Encrypted converter without naming the property");
    }
    return argumentContext.getArgument();
  }
}
