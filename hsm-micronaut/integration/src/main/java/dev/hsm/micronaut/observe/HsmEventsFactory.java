package dev.hsm.micronaut.observe;

import dev.hsm.HsmClient;
import dev.hsm.config.HsmAuditEvent;
import dev.hsm.config.HsmDueWarning;
import dev.hsm.config.HsmEvents;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.core.util.StringUtils;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every audit entry the client writes as an {@link HsmAuditEvent} (for {@code
 * ApplicationEventListener<HsmAuditEvent>} beans and {@code @EventListener} methods) and one JSON
 * line on the {@code dev.hsm.audit} logger; rotations and destructions coming due within {@code
 * hsm.events.warn-before} (default 7d,1d, looked for every {@code hsm.events.check-interval},
 * default 1m) as {@link HsmDueWarning} events and warning lines. The same events and lines as the
 * Spring Boot starter's. Off with {@code hsm.events.enabled=false}; {@code
 * hsm.events.audit-log=false} keeps the events and drops the lines.
 */
@Factory
@Requires(property = "hsm.events.enabled", notEquals = StringUtils.FALSE)
public class HsmEventsFactory {
  private static final Logger AUDIT = LoggerFactory.getLogger("dev.hsm.audit");

  /** The events; also the customizer that adds them to the client's config. */
  @Singleton
  @Bean(preDestroy = "close")
  HsmEvents hsmEvents(
      ApplicationEventPublisher<HsmAuditEvent> audit,
      ApplicationEventPublisher<HsmDueWarning> warnings,
      BeanProvider<HsmClient> client,
      @Value("${hsm.events.audit-log:true}") boolean auditLog,
      @Value("${hsm.events.warn-before:7d,1d}") List<Duration> warnBefore,
      @Value("${hsm.events.check-interval:1m}") Duration checkInterval) {
    return new HsmEvents(
        event -> {
          if (event instanceof HsmAuditEvent entry) {
            audit.publishEvent(entry);
          } else if (event instanceof HsmDueWarning warning) {
            warnings.publishEvent(warning);
          }
        },
        auditLog ? AUDIT::info : null,
        auditLog ? AUDIT::warn : null,
        warnBefore,
        client::get,
        checkInterval);
  }
}
