package dev.hsm.config;

import dev.hsm.observe.KeyOverview;
import java.time.Duration;

/**
 * A rotation or destruction will be due within {@code before}: published by both starters as a
 * framework event, once per due change and lead time ({@code hsm.events.warn-before}), and logged
 * to {@code dev.hsm.audit} as a warning.
 *
 * @param due what will happen, to which key and version, and when
 * @param before the lead time that was reached (one of {@code hsm.events.warn-before})
 */
public record HsmDueWarning(KeyOverview.Due due, Duration before) {

  /** One JSON object on one line, as written to the {@code dev.hsm.audit} logger. */
  public String toJson() {
    return AuditJson.warning(this);
  }
}
