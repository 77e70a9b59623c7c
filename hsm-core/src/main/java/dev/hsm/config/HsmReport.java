package dev.hsm.config;

import dev.hsm.HsmClient;
import dev.hsm.KeyInfo;
import dev.hsm.KeyVersionInfo;
import dev.hsm.observe.KeyOverview;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What both starters' read-only {@code hsm} management endpoint shows: the store, every key with
 * its versions, states and due dates, and whether the audit chain verifies. Plain maps, lists,
 * strings, numbers and booleans, so each framework writes it as JSON without help. Never material:
 * only what {@link KeyInfo} holds (no labels), and the chain's result, not its entries.
 */
public final class HsmReport {
  private HsmReport() {}

  /**
   * The report of {@code hsm}: {@code store}, {@code keys}, {@code due} and {@code auditLog}
   * ({@code verified} and {@code entries}, or {@code verified: false} and {@code error}). Reads the
   * whole store and checks the whole audit chain: meant for an operator's look, not for polling.
   */
  public static Map<String, Object> of(HsmClient hsm) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("store", hsm.storeDescription());
    try {
      List<KeyInfo> keys = hsm.listKeys();
      report.put("keys", keys.stream().map(HsmReport::key).toList());
      report.put("due", KeyOverview.of(keys).due().stream().map(HsmReport::due).toList());
    } catch (RuntimeException e) {
      report.put("keys", List.of());
      report.put("error", e.getClass().getName() + ": " + e.getMessage());
    }
    Map<String, Object> audit = new LinkedHashMap<>();
    try {
      long entries = hsm.auditLog().verify();
      audit.put("verified", true);
      audit.put("entries", entries);
    } catch (RuntimeException e) {
      audit.put("verified", false);
      audit.put("error", e.getClass().getName() + ": " + e.getMessage());
    }
    report.put("auditLog", audit);
    return report;
  }

  private static Map<String, Object> key(KeyInfo key) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("name", key.name());
    map.put("algorithm", key.algorithm().name());
    map.put("operations", key.operations().stream().map(Enum::name).toList());
    map.put("enabled", key.enabled());
    map.put("imported", key.imported());
    map.put("publicOnly", key.publicOnly());
    map.put("extractable", key.extractable());
    map.put("createdAt", key.createdAt().toString());
    map.put("primaryVersion", key.primaryVersion());
    map.put("minDecryptionVersion", key.minDecryptionVersion());
    map.put(
        "rotationPeriod", key.rotationPeriod().isZero() ? null : key.rotationPeriod().toString());
    List<Map<String, Object>> versions = new ArrayList<>();
    for (KeyVersionInfo version : key.versions()) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("version", version.version());
      v.put("state", version.state().name());
      v.put("createdAt", version.createdAt().toString());
      v.put("destructionAt", text(version.destructionAt()));
      versions.add(v);
    }
    map.put("versions", versions);
    return map;
  }

  private static Map<String, Object> due(KeyOverview.Due due) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("key", due.keyName());
    map.put("version", due.version());
    map.put("change", due.change().name().toLowerCase(Locale.ROOT));
    map.put("at", due.at().toString());
    return map;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
