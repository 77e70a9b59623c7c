package dev.hsm.spring;

import dev.hsm.HsmClient;
import dev.hsm.config.HsmReport;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The read-only Actuator endpoint {@code hsm}: the store, every key with its versions, states and
 * due dates, and whether the audit chain verifies ({@link HsmReport}); never material. Like every
 * Actuator endpoint but health, it is not exposed over HTTP until the application says so ({@code
 * management.endpoints.web.exposure.include=health,hsm}); secure it as any sensitive endpoint.
 */
@Endpoint(id = "hsm")
public class HsmEndpoint {
  private final HsmClient hsm;

  /** The endpoint of {@code hsm}. */
  public HsmEndpoint(HsmClient hsm) {
    this.hsm = hsm;
  }

  /** The report; reads the whole store and checks the whole audit chain. */
  @ReadOperation
  public Map<String, Object> hsm() {
    return HsmReport.of(hsm);
  }
}
