package dev.hsm.spring;

import dev.hsm.KeyHandle;
import dev.hsm.config.CommonHsmProperties;
import dev.hsm.config.DeclaredKeys;
import java.util.Map;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Registers one {@link KeyHandle} bean per key declared under {@code hsm.keys.<name>}, named {@code
 * hsm.keys.<name>} and qualified {@code <name>}, so {@code @Qualifier("receipts") KeyHandle
 * receipts} injects the key {@code receipts}. The names come from configuration, so the beans are
 * registered while bean definitions are still being collected; each handle is made by {@link
 * DeclaredKeys}, which ensures the key first.
 */
final class KeyHandleBeanRegistrar
    implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {
  /** The prefix of the {@code KeyHandle} beans' names. */
  static final String BEAN_NAME_PREFIX = "hsm.keys.";

  private Environment environment;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
    Map<String, CommonHsmProperties.Key> keys =
        Binder.get(environment)
            .bind("hsm.keys", Bindable.mapOf(String.class, CommonHsmProperties.Key.class))
            .orElse(Map.of());
    BeanFactory beanFactory = (BeanFactory) registry;
    for (String name : keys.keySet()) {
      RootBeanDefinition definition = new RootBeanDefinition(KeyHandle.class);
      definition.setInstanceSupplier(() -> beanFactory.getBean(DeclaredKeys.class).declared(name));
      definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
      definition.setDescription("the key '" + name + "' declared under hsm.keys." + name);
      registry.registerBeanDefinition(BEAN_NAME_PREFIX + name, definition);
    }
  }
}
