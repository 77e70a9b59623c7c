package dev.hsm.spring;

import dev.hsm.HsmClient;
import dev.hsm.config.DeclaredKeys;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.data.jdbc.core.mapping.JdbcMappingContext;
import org.springframework.data.jdbc.repository.support.JdbcRepositoryFactoryBean;
import org.springframework.data.relational.core.mapping.event.BeforeConvertCallback;

/**
 * {@code @Encrypted} fields of Spring Data JDBC aggregates: entity callbacks that write ciphertext
 * and read plaintext, plaintext arguments for derived queries on deterministic fields, and a
 * start-up check of every entity Spring Data knows.
 */
@AutoConfiguration(
    after = HsmAutoConfiguration.class,
    afterName =
        "org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration")
@ConditionalOnClass({
  HsmClient.class,
  JdbcMappingContext.class,
  BeforeConvertCallback.class,
  JdbcRepositoryFactoryBean.class
})
@ConditionalOnBean(HsmClient.class)
public class HsmDataJdbcAutoConfiguration {

  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  static EncryptedEntities hsmEncryptedEntities(
      ObjectProvider<JdbcMappingContext> mappingContext, ObjectProvider<DeclaredKeys> keys) {
    return new EncryptedEntities(mappingContext::getObject, name -> keys.getObject().key(name));
  }

  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  static EncryptedQueryParameters hsmEncryptedQueryParameters(
      ObjectProvider<EncryptedEntities> entities) {
    return new EncryptedQueryParameters(entities::getObject);
  }

  @Bean
  EncryptedEntityCallbacks.Encrypting hsmEncryptingEntityCallback(EncryptedEntities entities) {
    return new EncryptedEntityCallbacks.Encrypting(entities);
  }

  @Bean
  EncryptedEntityCallbacks.Decrypting hsmDecryptingEntityCallback(EncryptedEntities entities) {
    return new EncryptedEntityCallbacks.Decrypting(entities);
  }

  /**
   * Checks the {@code @Encrypted} fields of every entity Spring Data knows once all beans exist.
   */
  @Bean
  SmartInitializingSingleton hsmEncryptedEntitiesValidator(
      EncryptedEntities entities, ObjectProvider<JdbcMappingContext> mappingContext) {
    return () -> {
      if (mappingContext.getIfAvailable() != null) {
        entities.validateKnownEntities();
      }
    };
  }
}
