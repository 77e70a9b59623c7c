package dev.hsm.config;

import dev.hsm.AuditEntry;
import java.util.Locale;

/**
 * The {@code dev.hsm.audit} logger's lines: one JSON object per audit entry or due warning, on one
 * line, so a log shipper forwards them to a SIEM as they are. Fields of an entry: {@code sequence},
 * {@code time}, {@code actor}, {@code action}, {@code key}, {@code version}, {@code outcome},
 * {@code detail}, {@code hash} (the first 16 hex digits of the entry's chain hash). Never material.
 */
final class AuditJson {
  /** How many hex digits of the chain hash a line carries: enough to match it with the log. */
  static final int HASH_PREFIX = 16;

  private AuditJson() {}

  static String entry(AuditEntry entry, String hash) {
    StringBuilder json = new StringBuilder(256).append('{');
    field(json, "sequence", entry.sequence());
    string(json, "time", entry.at().toString());
    string(json, "actor", entry.actor());
    string(json, "action", entry.action());
    string(json, "key", entry.keyName());
    field(json, "version", entry.version());
    string(json, "outcome", entry.outcome());
    string(json, "detail", entry.detail());
    string(json, "hash", hash.substring(0, Math.min(HASH_PREFIX, hash.length())));
    return json.append('}').toString();
  }

  static String warning(HsmDueWarning warning) {
    StringBuilder json = new StringBuilder(160).append('{');
    string(json, "warning", warning.due().change().name().toLowerCase(Locale.ROOT) + "-due");
    string(json, "key", warning.due().keyName());
    field(json, "version", warning.due().version());
    string(json, "due", warning.due().at().toString());
    string(json, "before", warning.before().toString());
    return json.append('}').toString();
  }

  private static void field(StringBuilder json, String name, long value) {
    separate(json).append('"').append(name).append("\":").append(value);
  }

  private static void string(StringBuilder json, String name, String value) {
    separate(json).append('"').append(name).append("\":");
    if (value == null) {
      json.append("null");
      return;
    }
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }

  private static StringBuilder separate(StringBuilder json) {
    return json.length() > 1 ? json.append(',') : json;
  }
}
