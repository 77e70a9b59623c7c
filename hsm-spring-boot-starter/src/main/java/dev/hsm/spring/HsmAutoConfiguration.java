package dev.hsm.spring;

import dev.hsm.HsmClient;
import dev.hsm.config.DeclaredKeys;
import dev.hsm.config.HsmConfigCustomizer;
import dev.hsm.config.StarterContext;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * The HSM for a Spring Boot application: an {@link HsmClient} opened from {@code hsm.*} (unless the
 * application defines its own), the keys declared under {@code hsm.keys.<name>} ensured at start-up
 * and injectable as {@code @Qualifier("<name>") KeyHandle}, and {@code @Signed} /
 * {@code @Encrypted} applied to bean methods and parameters through Spring AOP proxies.
 *
 * <p>To adjust the client's {@code HsmConfig} beyond what {@code hsm.*} expresses (a clock, Argon2
 * cost), declare {@link HsmConfigCustomizer} beans rather than a whole {@code HsmClient}: they are
 * applied in {@code @Order}, after the properties.
 */
@AutoConfiguration
@ConditionalOnClass(HsmClient.class)
@EnableConfigurationProperties(HsmProperties.class)
public class HsmAutoConfiguration {
  private static final Log log = LogFactory.getLog(DeclaredKeys.class);

  /**
   * The client, opened from {@code hsm.*} as adjusted by the context's {@link HsmConfigCustomizer}
   * beans, in order; closed with the context. {@code hsm.store.data-source} names a DataSource bean
   * of the context ({@code application}: the one injected without a qualifier).
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public HsmClient hsmClient(
      HsmProperties properties,
      ObjectProvider<HsmConfigCustomizer> customizers,
      ApplicationContext context) {
    StarterContext starter =
        new SpringStarterContext(context.getEnvironment(), context, context.getClassLoader());
    return HsmClient.open(
        HsmConfigCustomizer.applyAll(
            properties.toConfig(starter), customizers.orderedStream().toList()));
  }

  /**
   * The declared keys, ensured against whichever {@code HsmClient} the context has. Everything in
   * the starter that looks keys up by name goes through it, so declared keys exist before any
   * annotation is checked against them.
   */
  @Bean
  DeclaredKeys hsmDeclaredKeys(HsmClient hsm, HsmProperties properties) {
    return DeclaredKeys.ensure(hsm, properties.keySpecs(), log::warn);
  }

  /** One {@code KeyHandle} bean per declared key. */
  @Bean
  static KeyHandleBeanRegistrar hsmKeyHandleBeanRegistrar() {
    return new KeyHandleBeanRegistrar();
  }

  /**
   * Proxies beans with {@code @Signed} or {@code @Encrypted} methods. Static, with a lazy key
   * lookup, so the client is opened only when the first annotated bean is checked. Follows {@code
   * spring.aop.proxy-target-class} (default true, as in Spring Boot).
   */
  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  static HsmAnnotationAdvisingPostProcessor hsmAnnotationAdvisingPostProcessor(
      ObjectProvider<DeclaredKeys> keys, Environment environment) {
    return new HsmAnnotationAdvisingPostProcessor(
        name -> keys.getObject().key(name),
        environment.getProperty("spring.aop.proxy-target-class", Boolean.class, true));
  }
}
