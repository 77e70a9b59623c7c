package dev.hsm.spring;

import dev.hsm.KeyHandle;
import dev.hsm.config.DeclaredKeys;
import dev.hsm.config.KeyProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Registers one {@link KeyHandle} bean per key declared under {@code hsm.keys.<name>}, named {@code
 * hsm.keys.<name>} and qualified {@code <name>}, so {@code @Qualifier("receipts") KeyHandle
 * receipts} injects the key {@code receipts}. The names come from configuration, so the beans are
 * registered while bean definitions are still being collected; each handle is made by {@link
 * DeclaredKeys}, which ensures the key first.
 *
 * <p>Reading the keys, it refuses a property under {@code hsm.keys.<name>.} that a key does not
 * take (a misspelled {@code algoritm}), with hsm-core's {@link KeyProperties#requireProperty} as
 * the Micronaut module does: Spring Boot would ignore it, and drop a key none of whose properties
 * it can bind, so the application would start without that key.
 */
final class KeyHandleBeanRegistrar
    implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {
  /** The prefix of the {@code KeyHandle} beans' names. */
  static final String BEAN_NAME_PREFIX = "hsm.keys.";

  private static final ConfigurationPropertyName KEYS = ConfigurationPropertyName.of("hsm.keys");

  private Environment environment;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
    requireKeyProperties();
    Map<String, KeyProperties> keys =
        Binder.get(environment)
            .bind("hsm.keys", Bindable.mapOf(String.class, KeyProperties.class))
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

  /**
   * Checks the name of every property set under {@code hsm.keys.<name>.}, in every property source
   * that can list its names.
   *
   * @throws dev.hsm.config.InvalidHsmPropertyException naming the first property a key does not
   *     take
   */
  private void requireKeyProperties() {
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      if (source instanceof IterableConfigurationPropertySource names) {
        names.filter(KEYS::isAncestorOf).stream()
            .filter(name -> name.getNumberOfElements() > 3)
            .forEach(
                name -> {
                  List<String> elements = new ArrayList<>();
                  for (int i = 3; i < name.getNumberOfElements(); i++) {
                    elements.add(name.getElement(i, Form.DASHED));
                  }
                  KeyProperties.requireProperty(name.getElement(2, Form.ORIGINAL), elements);
                });
      }
    }
  }
}
