package dev.hsm.internal.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.function.Function;

/**
 * Unwrapped keys by name, bounded (Caffeine). A hit is a lock-free lookup: no database. When full,
 * Caffeine's size-based eviction drops the key least likely to be used again; invalidating a key
 * leaves nothing behind, so the bound holds however often keys change.
 */
final class KeyCache {
  private final Cache<String, LoadedKey> keys;

  KeyCache(int maxKeys) {
    this.keys =
        Caffeine.newBuilder()
            .maximumSize(maxKeys)
            // Upkeep runs on the calling thread, not the common pool: a library must not use the
            // application's pool, and the work is small and amortised.
            .executor(Runnable::run)
            .build();
  }

  /** The cached key, or the one {@code loader} produces (once per miss, per name). */
  LoadedKey get(String name, Function<String, LoadedKey> loader) {
    LoadedKey key = keys.getIfPresent(name);
    return key != null ? key : keys.get(name, loader);
  }

  /** The cached key, or {@code null}. */
  LoadedKey getIfPresent(String name) {
    return keys.getIfPresent(name);
  }

  /** Forgets one key, after it changed. */
  void invalidate(String name) {
    keys.invalidate(name);
  }

  /** Forgets every key. */
  void clear() {
    keys.invalidateAll();
  }

  boolean contains(String name) {
    return keys.getIfPresent(name) != null;
  }

  /** How many keys are cached, after pending evictions (for tests). */
  long size() {
    keys.cleanUp();
    return keys.estimatedSize();
  }
}
