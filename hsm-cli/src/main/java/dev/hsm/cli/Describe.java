package dev.hsm.cli;

import dev.hsm.AuditEntry;
import dev.hsm.KeyInfo;
import dev.hsm.KeyVersionInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Key metadata and audit entries as JSON-ready maps and as text lines. Never material. */
final class Describe {
  private Describe() {}

  static Map<String, Object> key(KeyInfo info) {
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("name", info.name());
    key.put("algorithm", info.algorithm().name());
    if (info.rsaModulusBits() > 0) {
      key.put("rsaModulusBits", info.rsaModulusBits());
    }
    key.put("operations", info.operations().stream().map(Enum::name).collect(Collectors.toList()));
    key.put("enabled", info.enabled());
    key.put("primaryVersion", info.primaryVersion());
    key.put("minDecryptionVersion", info.minDecryptionVersion());
    key.put("extractable", info.extractable());
    key.put("imported", info.imported());
    key.put("publicOnly", info.publicOnly());
    key.put("labels", info.labels());
    key.put(
        "rotationPeriod", info.rotationPeriod().isZero() ? null : info.rotationPeriod().toString());
    key.put("createdAt", info.createdAt().toString());
    List<Map<String, Object>> versions = new ArrayList<>();
    for (KeyVersionInfo v : info.versions()) {
      Map<String, Object> version = new LinkedHashMap<>();
      version.put("version", v.version());
      version.put("state", v.state().name());
      version.put("createdAt", v.createdAt().toString());
      v.destruction().ifPresent(at -> version.put("destructionAt", at.toString()));
      versions.add(version);
    }
    key.put("versions", versions);
    return key;
  }

  /** One line: name, algorithm, primary version, state, operations. */
  static String line(KeyInfo info) {
    return String.format(
        "%-24s %-22s v%-3d %-8s %s",
        info.name(),
        info.algorithm(),
        info.primaryVersion(),
        info.enabled() ? "enabled" : "disabled",
        info.operations().stream().map(Enum::name).collect(Collectors.joining(",")));
  }

  /** Several lines: the key and each version. */
  static String text(KeyInfo info) {
    StringBuilder text = new StringBuilder();
    text.append("name:            ").append(info.name()).append('\n');
    text.append("algorithm:       ").append(info.algorithm());
    if (info.rsaModulusBits() > 0) {
      text.append(' ').append(info.rsaModulusBits()).append(" bits");
    }
    text.append('\n');
    text.append("operations:      ")
        .append(info.operations().stream().map(Enum::name).collect(Collectors.joining(",")))
        .append('\n');
    text.append("enabled:         ").append(info.enabled()).append('\n');
    text.append("primary version: ").append(info.primaryVersion()).append('\n');
    text.append("min. decryption: ").append(info.minDecryptionVersion()).append('\n');
    Duration period = info.rotationPeriod();
    text.append("rotation period: ").append(period.isZero() ? "none" : period).append('\n');
    text.append("extractable:     ").append(info.extractable()).append('\n');
    text.append("imported:        ").append(info.imported()).append('\n');
    if (!info.labels().isEmpty()) {
      text.append("labels:          ").append(info.labels()).append('\n');
    }
    text.append("created:         ").append(info.createdAt());
    for (KeyVersionInfo v : info.versions()) {
      text.append('\n')
          .append("  version ")
          .append(v.version())
          .append(": ")
          .append(v.state())
          .append(", created ")
          .append(v.createdAt());
      v.destruction().ifPresent(at -> text.append(", destruction ").append(at));
    }
    return text.toString();
  }

  static Map<String, Object> entry(AuditEntry e) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("sequence", e.sequence());
    entry.put("at", e.at().toString());
    entry.put("actor", e.actor());
    entry.put("action", e.action());
    entry.put("key", e.keyName());
    entry.put("version", e.version());
    entry.put("outcome", e.outcome());
    entry.put("detail", e.detail());
    return entry;
  }

  static String line(AuditEntry e) {
    return String.format(
        "%6d %s %-5s %-28s %-8s %s%s%s",
        e.sequence(),
        e.at(),
        e.actor(),
        e.action(),
        e.outcome(),
        e.keyName() == null ? "" : e.keyName(),
        e.version() > 0 ? " v" + e.version() : "",
        e.detail() == null || e.detail().isEmpty() ? "" : " (" + e.detail() + ")");
  }
}
