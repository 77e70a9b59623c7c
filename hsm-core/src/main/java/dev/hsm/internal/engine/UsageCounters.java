package dev.hsm.internal.engine;

import dev.hsm.Operation;
import dev.hsm.spi.KeyRecordStore;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-key, per-operation usage counted in memory ({@link LongAdder}s: no contention between
 * threads) and saved in batches, one write for all keys, never one per operation.
 */
final class UsageCounters {
  private final Map<String, LongAdder[]> byKey = new ConcurrentHashMap<>();

  /** The counters of one key, by {@link Operation#ordinal()}. */
  LongAdder[] of(String keyName) {
    return byKey.computeIfAbsent(
        keyName,
        name -> {
          LongAdder[] adders = new LongAdder[Operation.values().length];
          for (int i = 0; i < adders.length; i++) {
            adders[i] = new LongAdder();
          }
          return adders;
        });
  }

  /** Adds what was counted since the last save to the store's counters. */
  synchronized void saveTo(KeyRecordStore store) {
    Map<String, Map<String, Long>> counts = new HashMap<>();
    byKey.forEach(
        (name, adders) -> {
          for (Operation operation : Operation.values()) {
            long count = adders[operation.ordinal()].sumThenReset();
            if (count > 0) {
              counts.computeIfAbsent(name, n -> new HashMap<>()).put(operation.name(), count);
            }
          }
        });
    store.addUsage(counts);
  }
}
