package dev.hsm.internal.engine;

import dev.hsm.HsmConfig;
import dev.hsm.KeyIntegrityException;
import dev.hsm.KeyState;
import dev.hsm.internal.protection.KeyRecord;
import dev.hsm.spi.KeyOperations;
import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.StoredKey;
import java.util.HashMap;
import java.util.Map;

/**
 * The keys this client uses: read from the store (every row's MAC checked and anchored to the audit
 * log by {@link RowAnchor}), opened through the custody, and kept in the {@link KeyCache}, so that
 * an operation on a cached key touches no database.
 */
final class LoadedKeys {
  /** How often a key may be asked whether it changed because an input names an unknown version. */
  private static final long RECHECK_MILLIS = 100;

  private final Engine engine;
  private final KeyRecordStore store;
  private final KeyCache cache;
  private final RowAnchor anchor;
  private final UsageCounters usage;
  private final Observers observers;

  LoadedKeys(
      Engine engine,
      KeyRecordStore store,
      HsmConfig config,
      UsageCounters usage,
      Observers observers) {
    this.observers = observers;
    this.engine = engine;
    this.store = store;
    this.cache = new KeyCache(config.cacheSize());
    this.anchor = new RowAnchor(store);
    this.usage = usage;
  }

  /** The key, ready for operations: from the cache, or loaded from the store on first use. */
  LoadedKey loaded(String name) {
    engine.checkOpen();
    if (observers == null) {
      return cache.get(name, this::load);
    }
    LoadedKey cached = cache.getIfPresent(name);
    if (cached != null) {
      observers.keyCacheHit();
      return cached;
    }
    observers.keyCacheMiss();
    return cache.get(name, this::load);
  }

  /** The key loaded afresh, for when the cached copy may be stale. */
  LoadedKey reloaded(String name) {
    cache.invalidate(name);
    return loaded(name);
  }

  /** Forgets a cached key after it changed (here or in another client). */
  void invalidate(String name) {
    cache.invalidate(name);
  }

  /** Forgets every cached key. */
  void invalidateAll() {
    cache.clear();
  }

  /** How many keys are cached (for tests of the cache's bound). */
  long cachedKeys() {
    return cache.size();
  }

  /** Whether {@code name} is in the cache, without loading it (for tests). */
  boolean isCached(String name) {
    return cache.contains(name);
  }

  /** The key's record from the store, MACs checked and anchored to the audit log. */
  KeyRecord read(String name) {
    return read(name, engine.unlocked());
  }

  private KeyRecord read(String name, Unlocked with) {
    return anchor.read(name, with.master()).orElseThrow(() -> engine.notFound(name));
  }

  /** The record if the key exists; see {@link RowAnchor#read}. */
  java.util.Optional<KeyRecord> find(String name) {
    return anchor.read(name, engine.unlocked().master());
  }

  /** Checks that no key named {@code name} existed; see {@link RowAnchor#checkNew}. */
  void checkNew(String name) {
    anchor.checkNew(name);
  }

  /** After this client rewrote every key's rows under the audit entry {@code sequence}. */
  void rewroteAllRows(long sequence) {
    anchor.rewroteAll(sequence);
  }

  /**
   * Whether the store may hold versions of {@code key} that its cached copy lacks: true if the
   * stored revision differs from the cached one. Checked at most once every {@value
   * #RECHECK_MILLIS} ms per key, so input naming versions that do not exist cannot make every call
   * read the store or reload the key.
   */
  boolean mayHaveChanged(LoadedKey key) {
    if (!key.recheckAllowed(System.nanoTime(), RECHECK_MILLIS * 1_000_000L)) {
      return false;
    }
    return store.findKey(key.name()).map(StoredKey::revision).orElse(-1L) != key.record.revision();
  }

  private LoadedKey load(String name) {
    while (true) {
      Unlocked with = engine.unlocked();
      try {
        return load(name, with);
      } catch (KeyIntegrityException e) {
        if (with == engine.unlocked()) {
          throw e;
        }
        // The master key was rotated while we read: read again under the new one.
      }
    }
  }

  private LoadedKey load(String name, Unlocked with) {
    KeyRecord record = read(name, with);
    Map<Integer, LoadedKey.LoadedVersion> versions = new HashMap<>();
    for (KeyRecord.VersionRecord version : record.versions()) {
      KeyOperations ops =
          version.state() == KeyState.ENABLED
              ? with.custody()
                  .open(record.binding(with.storeId(), version.version()), version.custodyRecord())
              : null;
      versions.put(
          version.version(),
          new LoadedKey.LoadedVersion(
              version.version(), version.state(), version.destroyAtMillis(), ops));
    }
    return new LoadedKey(
        record,
        versions,
        usage.of(name),
        KeyWrites.hasRandomNonces(record.algorithm())
            ? usage.encryptions(name, record.primaryVersion())
            : null);
  }
}
