package dev.hsm.internal.engine;

import dev.hsm.internal.protection.AuditChain;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Refusals caused by unauthenticated input (a ciphertext or signature whose header names a
 * disabled, destroyed or too old version), counted in memory and written to the audit log as one
 * entry per kind of refusal: at every refresh, and before the log is read. Anyone can send such
 * input, so one durable write per call would let them make the store sync to disk at will.
 */
final class RefusalTally {
  private record Kind(String actor, String action, String keyName, int version, String message) {}

  /**
   * Kinds stay once counted (there are at most a few per key version), so that no count can land on
   * a counter being removed.
   */
  private final Map<Kind, AtomicLong> counts = new ConcurrentHashMap<>();

  void count(String actor, String action, String keyName, int version, String message) {
    counts
        .computeIfAbsent(new Kind(actor, action, keyName, version, message), k -> new AtomicLong())
        .incrementAndGet();
  }

  /** Writes one refusal entry per kind counted since the last flush. */
  synchronized void flushTo(AuditChain audit) {
    for (Map.Entry<Kind, AtomicLong> counted : counts.entrySet()) {
      Kind kind = counted.getKey();
      long times = counted.getValue().getAndSet(0);
      if (times == 0) {
        continue;
      }
      try {
        audit.record(
            kind.actor(),
            kind.action(),
            kind.keyName(),
            kind.version(),
            AuditChain.REFUSED,
            (times == 1 ? "" : times + " times: ") + kind.message());
      } catch (RuntimeException e) {
        counted.getValue().addAndGet(times); // not written: keep them for the next flush
        throw e;
      }
    }
  }
}
