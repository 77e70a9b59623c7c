package dev.hsm.micronaut.observe;

import dev.hsm.HsmClient;
import dev.hsm.config.HsmReport;
import io.micronaut.context.annotation.Requires;
import io.micronaut.management.endpoint.annotation.Endpoint;
import io.micronaut.management.endpoint.annotation.Read;
import java.util.Map;

/**
 * The read-only management endpoint {@code hsm}: the store, every key with its versions, states and
 * due dates, and whether the audit chain verifies ({@link HsmReport}); never material. The same
 * report as the Spring Boot starter's. Sensitive, so Micronaut refuses it over HTTP unless the
 * application secures it (micronaut-security) or sets {@code endpoints.hsm.sensitive=false}; off
 * with {@code endpoints.hsm.enabled=false}.
 */
@Endpoint(id = "hsm", defaultSensitive = true)
@Requires(classes = Endpoint.class)
public class HsmEndpoint {
  private final HsmClient hsm;

  /** Created by Micronaut. */
  public HsmEndpoint(HsmClient hsm) {
    this.hsm = hsm;
  }

  /** The report; reads the whole store and checks the whole audit chain. */
  @Read
  public Map<String, Object> read() {
    return HsmReport.of(hsm);
  }
}
