package dev.hsm.spring;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hsm.events.*}: audit entries and due warnings as application events and {@code
 * dev.hsm.audit} log lines (see {@code dev.hsm.config.HsmEvents}).
 *
 * @param enabled whether to publish events and write the log lines at all
 * @param auditLog whether to write each audit entry (info) and due warning (warn) as one JSON line
 *     to the {@code dev.hsm.audit} logger
 * @param warnBefore how long before a due rotation or destruction to warn, once per lead time
 * @param checkInterval how often to look for rotations and destructions coming due; 0 for never
 */
@ConfigurationProperties("hsm.events")
public record HsmEventsProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("true") boolean auditLog,
    @DefaultValue({"7d", "1d"}) List<Duration> warnBefore,
    @DefaultValue("1m") Duration checkInterval) {}
