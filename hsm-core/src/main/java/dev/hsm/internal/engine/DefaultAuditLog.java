package dev.hsm.internal.engine;

import dev.hsm.AuditEntry;
import dev.hsm.AuditLog;
import dev.hsm.InvalidArgumentException;
import dev.hsm.Operation;
import dev.hsm.internal.protection.AuditChain;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@link AuditLog} view of the engine's audit chain and usage counters. */
final class DefaultAuditLog implements AuditLog {
  private final Engine engine;

  DefaultAuditLog(Engine engine) {
    this.engine = engine;
  }

  @Override
  public List<AuditEntry> entries(long fromSequence, int limit) {
    engine.checkOpen();
    if (limit < 0) {
      throw new InvalidArgumentException("limit must not be negative");
    }
    engine.flushRefusals(); // what the log holds includes refusals counted so far
    List<AuditEntry> entries = new ArrayList<>();
    engine
        .store()
        .auditEntries(fromSequence, limit)
        .forEach(e -> entries.add(AuditChain.toEntry(e)));
    return entries;
  }

  @Override
  public long verify() {
    engine.checkOpen();
    engine.flushRefusals();
    return engine.audit().verify();
  }

  @Override
  public Map<String, Map<Operation, Long>> usage() {
    engine.checkOpen();
    engine.saveUsage();
    Map<String, Map<Operation, Long>> usage = new LinkedHashMap<>();
    engine
        .store()
        .usage()
        .forEach(
            (key, counts) -> {
              Map<Operation, Long> byOperation = new EnumMap<>(Operation.class);
              counts.forEach(
                  (operation, count) -> {
                    // Per-version encryption counts (for the nonce limit) are not operations.
                    if (!operation.startsWith(UsageCounters.VERSION_ENCRYPTIONS)) {
                      byOperation.put(Operation.valueOf(operation), count);
                    }
                  });
              usage.put(key, byOperation);
            });
    return usage;
  }
}
