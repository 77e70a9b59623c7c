package dev.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.KeySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-only {@code hsm} management endpoint both starters contribute: the same report of keys,
 * versions, states, due dates and the audit chain's verification, and never anything else. A
 * starter's test extends this class and calls its framework's endpoint bean.
 */
public abstract class EndpointContract {
  @TempDir private Path dir;

  private final Map<String, String> properties = new LinkedHashMap<>();

  /**
   * Starts the starter's application with {@code properties} plus what makes the endpoint available
   * in the framework, passes its client to {@code before}, then reads the endpoint; empty if the
   * application has no {@code hsm} endpoint bean.
   */
  protected abstract Optional<Map<String, Object>> read(
      Map<String, String> properties, Consumer<HsmClient> before);

  @BeforeEach
  void store() throws IOException {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Files.write(dir.resolve("hsm.key"), key);
    properties.put("hsm.store.path", dir.resolve("hsm.db").toString());
    properties.put("hsm.unlock.key-file", dir.resolve("hsm.key").toString());
    properties.put("hsm.keys.receipts.algorithm", "ECDSA_P256_SHA256");
    properties.put("hsm.keys.pii.algorithm", "AES_256_GCM");
  }

  @Test
  @SuppressWarnings("unchecked")
  void report_listsKeysVersionsStatesAndDueDates_andTheVerifiedAuditChain() {
    long[] entries = new long[1];
    Map<String, Object> report =
        read(
                properties,
                hsm -> {
                  hsm.createKey(
                      "weekly", KeySpec.hmacSha256().withRotationPeriod(Duration.ofDays(7)));
                  hsm.key("pii").rotate();
                  hsm.key("pii").disableVersion(1);
                  hsm.admin().scheduleDestruction("pii", 1, Duration.ofDays(30));
                  entries[0] = hsm.auditLog().verify();
                })
            .orElseThrow();

    assertThat(report).containsOnlyKeys("store", "keys", "due", "auditLog");
    assertThat((String) report.get("store")).contains(properties.get("hsm.store.path"));
    assertThat(report.get("auditLog")).isEqualTo(Map.of("verified", true, "entries", entries[0]));
    List<Map<String, Object>> keys = (List<Map<String, Object>>) report.get("keys");
    Map<String, Object> pii =
        keys.stream().filter(k -> k.get("name").equals("pii")).findFirst().orElseThrow();
    assertThat(pii)
        .containsOnlyKeys(
            "name",
            "algorithm",
            "operations",
            "enabled",
            "imported",
            "publicOnly",
            "extractable",
            "createdAt",
            "primaryVersion",
            "minDecryptionVersion",
            "rotationPeriod",
            "versions")
        .containsEntry("algorithm", "AES_256_GCM")
        .containsEntry("primaryVersion", 2)
        .containsEntry("enabled", true);
    List<Map<String, Object>> versions = (List<Map<String, Object>>) pii.get("versions");
    assertThat(versions)
        .extracting(v -> v.get("state"))
        .containsExactly("SCHEDULED_FOR_DESTRUCTION", "ENABLED");
    assertThat(versions.get(0).get("destructionAt")).isNotNull();
    assertThat((List<Map<String, Object>>) report.get("due"))
        .extracting(d -> d.get("key") + " " + d.get("change"))
        .containsExactly("weekly rotation", "pii destruction");
  }

  @Test
  @SuppressWarnings("unchecked")
  void report_saysTheAuditChainFails_whenAnEntryWasEditedInTheFile() {
    String url = "jdbc:sqlite:" + properties.get("hsm.store.path");
    Map<String, Object> report =
        read(
                properties,
                hsm -> {
                  try (Connection db = DriverManager.getConnection(url);
                      Statement sql = db.createStatement()) {
                    sql.executeUpdate(
                        "UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 1");
                  } catch (SQLException e) {
                    throw new AssertionError(e);
                  }
                })
            .orElseThrow();

    Map<String, Object> audit = (Map<String, Object>) report.get("auditLog");
    assertThat(audit).containsEntry("verified", false);
    assertThat((String) audit.get("error"))
        .startsWith("dev.hsm.AuditLogIntegrityException: ")
        .contains("audit entry 1");
  }
}
