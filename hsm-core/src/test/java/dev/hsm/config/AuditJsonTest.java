package dev.hsm.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hsm.AuditEntry;
import dev.hsm.observe.KeyOverview;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code dev.hsm.audit} lines: one JSON object on one line, whatever a detail holds. */
class AuditJsonTest {
  private static final String HASH = "0123456789abcdef".repeat(4);

  @Test
  void entry_isOneLineOfJson_evenWithQuotesBackslashesAndLineBreaksInItsDetail() throws Exception {
    String detail = "say \"hi\"\\ then\nforge a line\r\t\u0001\u2028end";
    AuditEntry entry =
        new AuditEntry(
            42,
            Instant.parse("2030-01-01T00:00:00Z"),
            "app",
            "key.sign",
            null,
            0,
            "refused",
            detail);

    String line = new HsmAuditEvent(entry, HASH).toJson();

    assertThat(line).doesNotContain("\n", "\r", "\u2028");
    Map<String, Object> json = JSONObjectUtils.parse(line);
    assertThat(json)
        .containsEntry("sequence", 42L)
        .containsEntry("time", "2030-01-01T00:00:00Z")
        .containsEntry("actor", "app")
        .containsEntry("action", "key.sign")
        .containsEntry("key", null)
        .containsEntry("version", 0L)
        .containsEntry("outcome", "refused")
        .containsEntry("detail", detail)
        .containsEntry("hash", "0123456789abcdef");
    assertThat(json).hasSize(9);
  }

  @Test
  void warning_namesTheChangeKeyVersionDueDateAndLeadTime() throws Exception {
    HsmDueWarning warning =
        new HsmDueWarning(
            new KeyOverview.Due(
                "pii", 3, KeyOverview.Change.DESTRUCTION, Instant.parse("2030-02-01T00:00:00Z")),
            Duration.ofDays(1));

    assertThat(JSONObjectUtils.parse(warning.toJson()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "warning", "destruction-due",
                "key", "pii",
                "version", 3L,
                "due", "2030-02-01T00:00:00Z",
                "before", "PT24H"));
  }
}
