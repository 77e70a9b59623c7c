package dev.hsm.postgresql;

import dev.hsm.spi.ConcurrentUpdateException;
import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.NewKeys;
import dev.hsm.spi.StoredAuditEntry;
import dev.hsm.spi.StoredKey;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

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

  /** Writes of new keys that failed because another client appended to the audit log first. */
  final AtomicInteger conflicts = new AtomicInteger();

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
                case "insertKeysAfterHead" -> {
                  // Counts the batch the store wrote: the last one the engine chained.
                  Function<Optional<StoredAuditEntry>, NewKeys> chain =
                      (Function<Optional<StoredAuditEntry>, NewKeys>) args[0];
                  AtomicReference<NewKeys> written = new AtomicReference<>();
                  try {
                    store.insertKeysAfterHead(
                        head -> {
                          written.set(chain.apply(head));
                          return written.get();
                        });
                  } catch (ConcurrentUpdateException e) {
                    conflicts.incrementAndGet();
                    throw e;
                  }
                  if (!written.get().keys().isEmpty()) {
                    insertBatches.add(written.get().keys().size());
                  }
                  return null;
                }
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
