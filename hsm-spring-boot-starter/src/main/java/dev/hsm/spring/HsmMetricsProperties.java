package dev.hsm.spring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hsm.metrics.*}: the Micrometer metrics the starter records when the application has a
 * {@code MeterRegistry} (see {@code dev.hsm.config.HsmMeters} for the meters).
 *
 * @param enabled whether to record them at all
 * @param keyTags whether meters carry the key's name as the {@code key} tag; turn off for stores
 *     with many keys
 * @param overviewRefresh how often the key gauges ({@code hsm.keys}, {@code hsm.key.versions},
 *     {@code hsm.rotation.next}, {@code hsm.destruction.next}) list the keys at most
 * @param observations whether each operation is also a Micrometer {@code Observation} when the
 *     application has an {@code ObservationRegistry} (allocates per call)
 */
@ConfigurationProperties("hsm.metrics")
public record HsmMetricsProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("true") boolean keyTags,
    @DefaultValue("30s") Duration overviewRefresh,
    @DefaultValue("true") boolean observations) {}
