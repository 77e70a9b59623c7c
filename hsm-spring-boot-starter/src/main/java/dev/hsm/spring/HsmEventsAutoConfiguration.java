package dev.hsm.spring;

import dev.hsm.HsmClient;
import dev.hsm.config.HsmEvents;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * Every audit entry the client writes as an application event ({@link dev.hsm.config.HsmAuditEvent}
 * payload, for {@code @EventListener} methods) and one JSON line on the {@code dev.hsm.audit}
 * logger; rotations and destructions coming due within {@code hsm.events.warn-before} as {@link
 * dev.hsm.config.HsmDueWarning} events and warning lines. Off with {@code
 * hsm.events.enabled=false}.
 */
@AutoConfiguration(before = HsmAutoConfiguration.class)
@ConditionalOnClass(HsmClient.class)
@ConditionalOnProperty(prefix = "hsm.events", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(HsmEventsProperties.class)
public class HsmEventsAutoConfiguration {
  private static final Log AUDIT = LogFactory.getLog("dev.hsm.audit");

  /** The events; also the customizer that adds them to the client's config. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public HsmEvents hsmEvents(
      ApplicationEventPublisher publisher,
      HsmEventsProperties properties,
      ObjectProvider<HsmClient> client) {
    return new HsmEvents(
        publisher::publishEvent,
        properties.auditLog() ? AUDIT::info : null,
        properties.auditLog() ? AUDIT::warn : null,
        properties.warnBefore(),
        client::getObject,
        properties.checkInterval());
  }
}
