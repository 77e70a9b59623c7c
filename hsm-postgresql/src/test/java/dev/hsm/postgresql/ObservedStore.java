package dev.hsm.postgresql;

import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.StoredKey;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store seen from the engine's side: counts which keys the engine reads and what it inserts,
 * and can stand for a store whose notifications are all lost (it then ignores {@code
 * watchChanges}). Nothing is faked: every call reaches the real store.
 */
final class ObservedStore implements KeyRecordStore.Factory {
  private final KeyRecordStore.Factory real;
  private final boolean dropNotifications;
  final Map<String, AtomicInteger> keyReads = new ConcurrentHashMap<>();
  final List<Integer> insertBatches = new CopyOnWriteArrayList<>();

  ObservedStore(KeyRecordStore.Factory real, boolean dropNotifications) {
    this.real = real;
    this.dropNotifications = dropNotifications;
  }

  /** How often the engine read key {@code name} from the store. */
  int reads(String name) {
    AtomicInteger count = keyReads.get(name);
    return count == null ? 0 : count.get();
  }

  @Override
  public KeyRecordStore open() {
    KeyRecordStore store = real.open();
    return (KeyRecordStore)
        Proxy.newProxyInstance(
            KeyRecordStore.class.getClassLoader(),
            new Class<?>[] {KeyRecordStore.class},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "watchChanges" -> {
                  if (dropNotifications) {
                    return null;
                  }
                }
                case "findKey" ->
                    keyReads
                        .computeIfAbsent((String) args[0], k -> new AtomicInteger())
                        .incrementAndGet();
                case "insertKeys" -> insertBatches.add(((List<StoredKey>) args[0]).size());
                default -> {}
              }
              try {
                return method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Override
  public String description() {
    return real.description();
  }
}
