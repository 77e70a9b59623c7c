package dev.hsm.internal.engine;

import dev.hsm.KeyDisabledException;
import dev.hsm.KeyState;
import dev.hsm.Operation;
import dev.hsm.internal.protection.KeyRecord;
import dev.hsm.spi.KeyOperations;
import java.security.PublicKey;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** A key with its enabled versions opened by the custody and ready: what the cache holds. */
final class LoadedKey {
  /** One version: its state and, if enabled, its operations. */
  record LoadedVersion(int version, KeyState state, long destroyAtMillis, KeyOperations ops) {}

  final KeyRecord record;
  final Set<Operation> operations;
  final Map<Integer, LoadedVersion> versions;

  /** The primary version's operations, or {@code null} if the primary is not enabled. */
  final KeyOperations primary;

  final long rotationDueAtMillis;

  /** The highest version number this copy knows; versions are numbered from 1 without gaps. */
  final int highestVersion;

  /** When the store was last asked whether this copy is stale ({@link System#nanoTime()}). */
  private final AtomicLong lastRecheck = new AtomicLong();

  private volatile boolean rechecked;

  /** Usage counters by {@link Operation#ordinal()}, shared with the engine, which saves them. */
  final LongAdder[] usage;

  /**
   * Encryptions made with the primary version, for keys whose nonces are random (their count per
   * key is bounded), else {@code null}; shared with the engine, which saves it.
   */
  final LongAdder primaryEncryptions;

  LoadedKey(
      KeyRecord record,
      Map<Integer, LoadedVersion> versions,
      LongAdder[] usage,
      LongAdder primaryEncryptions) {
    this.record = record;
    this.operations = EnumSet.copyOf(record.operations());
    this.versions = Map.copyOf(versions);
    LoadedVersion primaryVersion = this.versions.get(record.primaryVersion());
    this.primary = primaryVersion == null ? null : primaryVersion.ops();
    this.rotationDueAtMillis = record.rotationDueAtMillis();
    this.highestVersion =
        record.versions().stream().mapToInt(KeyRecord.VersionRecord::version).max().orElse(0);
    this.usage = usage;
    this.primaryEncryptions = primaryEncryptions;
  }

  /** Whether a staleness check may run now: the first one, then one per {@code spacingNanos}. */
  boolean recheckAllowed(long nowNanos, long spacingNanos) {
    if (!rechecked) {
      rechecked = true;
      lastRecheck.set(nowNanos);
      return true;
    }
    long last = lastRecheck.get();
    return nowNanos - last >= spacingNanos && lastRecheck.compareAndSet(last, nowNanos);
  }

  String name() {
    return record.name();
  }

  /** The primary version's public key (asymmetric keys only). */
  PublicKey primaryPublicKey() {
    if (primary == null) {
      throw new KeyDisabledException(
          "key '"
              + record.name()
              + "' primary version "
              + record.primaryVersion()
              + " is not enabled");
    }
    return primary.publicKey();
  }
}
