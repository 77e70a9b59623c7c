package dev.hsm.spring;

import dev.hsm.HsmClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code hsm} health indicator, when Actuator's health support is on the classpath and {@code
 * management.health.hsm.enabled} is not {@code false}.
 */
@AutoConfiguration(after = HsmAutoConfiguration.class)
@ConditionalOnClass({HsmClient.class, HealthIndicator.class})
@ConditionalOnBean(HsmClient.class)
@ConditionalOnEnabledHealthIndicator("hsm")
public class HsmHealthAutoConfiguration {

  /** The indicator, named {@code hsm} in health reports. */
  @Bean
  @ConditionalOnMissingBean(name = "hsmHealthIndicator")
  public HsmHealthIndicator hsmHealthIndicator(HsmClient hsm) {
    return new HsmHealthIndicator(hsm);
  }
}
