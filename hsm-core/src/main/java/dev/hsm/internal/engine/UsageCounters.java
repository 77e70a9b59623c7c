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
  /** How the store names the count of encryptions made with one version: {@code ENCRYPT@v3}. */
  static final String VERSION_ENCRYPTIONS = "ENCRYPT@v";

  private final Map<String, LongAdder[]> byKey = new ConcurrentHashMap<>();

  /** Encryptions per key version, for the random-nonce limit; key name to version to count. */
  private final Map<String, Map<Integer, LongAdder>> encryptionsByVersion =
      new ConcurrentHashMap<>();

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

  /** The encryption counter of one version of a key. */
  LongAdder encryptions(String keyName, int version) {
    return encryptionsByVersion
        .computeIfAbsent(keyName, name -> new ConcurrentHashMap<>())
        .computeIfAbsent(version, v -> new LongAdder());
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
    encryptionsByVersion.forEach(
        (name, versions) ->
            versions.forEach(
                (version, adder) -> {
                  long count = adder.sumThenReset();
                  if (count > 0) {
                    counts
                        .computeIfAbsent(name, n -> new HashMap<>())
                        .put(VERSION_ENCRYPTIONS + version, count);
                  }
                }));
    store.addUsage(counts);
  }
}
