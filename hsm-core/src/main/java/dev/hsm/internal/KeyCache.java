package dev.hsm.internal;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * Unwrapped keys by name, bounded. A hit is one {@link ConcurrentHashMap#get}: no lock, no
 * database. When full, the oldest loaded key is dropped (first in, first out), which is simple,
 * lock-free and good enough for a working set that usually fits.
 */
final class KeyCache {
  private final int maxKeys;
  private final Map<String, LoadedKey> keys = new ConcurrentHashMap<>();
  private final Queue<String> loadOrder = new ConcurrentLinkedQueue<>();

  KeyCache(int maxKeys) {
    this.maxKeys = maxKeys;
  }

  /** The cached key, or the one {@code loader} produces (once per miss, per name). */
  LoadedKey get(String name, Function<String, LoadedKey> loader) {
    LoadedKey key = keys.get(name);
    if (key != null) {
      return key;
    }
    boolean[] loaded = {false};
    key =
        keys.computeIfAbsent(
            name,
            n -> {
              loaded[0] = true;
              return loader.apply(n);
            });
    if (loaded[0]) {
      loadOrder.add(name);
      evictOverflow();
    }
    return key;
  }

  private void evictOverflow() {
    while (keys.size() > maxKeys) {
      String oldest = loadOrder.poll();
      if (oldest == null) {
        return;
      }
      keys.remove(oldest);
    }
  }

  /** Forgets one key, after it changed. */
  void invalidate(String name) {
    keys.remove(name);
  }

  /** Forgets every key, after another process changed the store. */
  void clear() {
    keys.clear();
    loadOrder.clear();
  }
}
