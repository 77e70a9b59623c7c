package dev.hsm.spring;

import dev.hsm.HsmClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * {@link HsmErrorResponses} in a servlet web application: 400 for input that does not verify, 403
 * for refused operations. Off with {@code hsm.web.error-responses=false}.
 */
@AutoConfiguration(after = HsmAutoConfiguration.class)
@ConditionalOnClass({HsmClient.class, DispatcherServlet.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "hsm.web", name = "error-responses", matchIfMissing = true)
public class HsmWebMvcAutoConfiguration {

  /** The advice. */
  @Bean
  @ConditionalOnMissingBean
  public HsmErrorResponses hsmErrorResponses() {
    return new HsmErrorResponses();
  }
}
