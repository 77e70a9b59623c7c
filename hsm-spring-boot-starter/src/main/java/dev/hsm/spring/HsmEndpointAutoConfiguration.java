package dev.hsm.spring;

import dev.hsm.HsmClient;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@link HsmEndpoint}, when Actuator is on the classpath and the endpoint is available (enabled
 * and exposed, over HTTP or JMX, by the application's {@code management.endpoints.*} settings).
 */
@AutoConfiguration(after = HsmAutoConfiguration.class)
@ConditionalOnClass({HsmClient.class, Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(HsmClient.class)
@ConditionalOnAvailableEndpoint(endpoint = HsmEndpoint.class)
public class HsmEndpointAutoConfiguration {

  /** The endpoint. */
  @Bean
  @ConditionalOnMissingBean
  public HsmEndpoint hsmEndpoint(HsmClient hsm) {
    return new HsmEndpoint(hsm);
  }
}
