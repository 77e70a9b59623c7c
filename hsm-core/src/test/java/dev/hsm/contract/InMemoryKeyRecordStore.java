package dev.hsm.contract;

import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.StoreException;
import dev.hsm.spi.ConcurrentUpdateException;
import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.StoreContents;
import dev.hsm.spi.StoredAuditEntry;
import dev.hsm.spi.StoredKey;
import dev.hsm.spi.StoredKeyVersion;
import dev.hsm.spi.StoredSlot;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A {@link KeyRecordStore} in memory, written only against the public SPI: the second store that
 * passes {@link KeyRecordStoreContract}, so the contract is not just a description of SQLite, and a
 * store for tests that need no file.
 *
 * <p>Each {@link #factory(String)} holds one "database"; each {@link Factory#open()} gives a client
 * of it, as a process would be. Every call takes the database's lock, so the store is thread-safe
 * and every read sees every finished write. A write changes a copy of the database's state and puts
 * the copy in place only if nothing failed: all or nothing. Arrays are copied on the way in and
 * out, so callers cannot change what is stored.
 *
 * <p>{@link #backupTo} writes the state to a file in the form of {@link InMemoryBackupFile}; {@link
 * #restore(Path)} opens such a file as a new database.
 */
public final class InMemoryKeyRecordStore implements KeyRecordStore {
  private final Database database;
  private long ownCommits; // guarded by database
  private boolean closed; // guarded by database

  private final List<Runnable> watchers = new java.util.concurrent.CopyOnWriteArrayList<>();

  private InMemoryKeyRecordStore(Database database) {
    this.database = database;
  }

  /** A factory on a new, empty database, named {@code name} in messages. */
  public static KeyRecordStore.Factory factory(String name) {
    return new Database("in-memory store '" + name + "'", new State()).factory();
  }

  /** A factory on a new database holding what {@link #backupTo} wrote to {@code backupFile}. */
  public static KeyRecordStore.Factory restore(Path backupFile) {
    String description = "in-memory store restored from " + backupFile;
    try {
      return new Database(description, InMemoryBackupFile.read(backupFile)).factory();
    } catch (IOException e) {
      throw new StoreException("cannot read " + description + ": " + e, e);
    }
  }

  /** One shared store: its state, and how many commits all its clients made. */
  private static final class Database {
    final String description;
    State state; // guarded by this; never changed once in place
    long commits; // guarded by this
    final List<InMemoryKeyRecordStore> clients = new ArrayList<>(); // guarded by this

    Database(String description, State state) {
      this.description = description;
      this.state = state;
    }

    KeyRecordStore.Factory factory() {
      Database database = this;
      return new KeyRecordStore.Factory() {
        @Override
        public KeyRecordStore open() {
          InMemoryKeyRecordStore client = new InMemoryKeyRecordStore(database);
          synchronized (database) {
            database.clients.add(client);
          }
          return client;
        }

        @Override
        public String description() {
          return description;
        }

        @Override
        public String toString() {
          return description;
        }
      };
    }
  }

  /** Everything a store holds. Maps are sorted, so reads come out in the order the SPI asks. */
  static final class State {
    String storeId;
    String settings;
    long lastSlotId;
    final TreeMap<Long, StoredSlot> slots = new TreeMap<>();
    final TreeMap<String, StoredKey> keys = new TreeMap<>();
    final TreeMap<Long, StoredAuditEntry> audit = new TreeMap<>();
    final TreeMap<String, TreeMap<String, Long>> usage = new TreeMap<>();

    /** A copy to change; the records in it are shared, as nothing changes a record's arrays. */
    State duplicate() {
      State copy = new State();
      copy.storeId = storeId;
      copy.settings = settings;
      copy.lastSlotId = lastSlotId;
      copy.slots.putAll(slots);
      copy.keys.putAll(keys);
      copy.audit.putAll(audit);
      usage.forEach((key, counts) -> copy.usage.put(key, new TreeMap<>(counts)));
      return copy;
    }

    /** Adds a slot; one without an id gets one higher than any ever given. */
    long putSlot(StoredSlot slot) {
      long id = slot.id() > 0 ? slot.id() : lastSlotId + 1;
      lastSlotId = Math.max(lastSlotId, id);
      slots.put(id, withId(copy(slot), id));
      return id;
    }

    void append(StoredAuditEntry entry) {
      if (audit.containsKey(entry.sequence())) {
        throw new ConcurrentUpdateException("audit entry " + entry.sequence() + " exists already");
      }
      audit.put(entry.sequence(), copy(entry));
    }
  }

  private <T> T read(Function<State, T> read) {
    synchronized (database) {
      checkOpen();
      return read.apply(database.state);
    }
  }

  /**
   * Runs {@code change} on a copy of the state and puts the copy in place if it returns {@code
   * true}; if it returns {@code false} or throws, nothing was written.
   */
  private boolean write(Predicate<State> change) {
    List<InMemoryKeyRecordStore> others;
    synchronized (database) {
      checkOpen();
      State next = database.state.duplicate();
      if (!change.test(next)) {
        return false;
      }
      database.state = next;
      database.commits++;
      ownCommits++;
      others = new ArrayList<>(database.clients);
    }
    // Pushed after the commit and outside the lock, as a database's notification would be.
    for (InMemoryKeyRecordStore other : others) {
      if (other != this) {
        other.watchers.forEach(Runnable::run);
      }
    }
    return true;
  }

  private void checkOpen() {
    if (closed) {
      throw new StoreException("this client of " + database.description + " is closed");
    }
  }

  @Override
  public String description() {
    return database.description;
  }

  @Override
  public Optional<String> storeId() {
    return read(state -> Optional.ofNullable(state.storeId));
  }

  @Override
  public boolean initialize(String storeId, String settings, StoredSlot firstSlot) {
    return write(
        state -> {
          if (state.storeId != null) {
            return false;
          }
          state.storeId = storeId;
          state.settings = settings;
          state.putSlot(firstSlot);
          return true;
        });
  }

  @Override
  public Optional<String> settings() {
    return read(state -> Optional.ofNullable(state.settings));
  }

  @Override
  public void updateSettings(String expected, String settings, StoredAuditEntry audit) {
    write(
        state -> {
          checkSettings(state, expected);
          state.settings = settings;
          state.append(audit);
          return true;
        });
  }

  private static void checkSettings(State state, String expected) {
    if (state.settings == null || !state.settings.equals(expected)) {
      throw new ConcurrentUpdateException("the store settings changed meanwhile");
    }
  }

  @Override
  public List<StoredSlot> unlockSlots() {
    return read(state -> state.slots.values().stream().map(InMemoryKeyRecordStore::copy).toList());
  }

  @Override
  public long addSlot(
      StoredSlot slot, String expectedSettings, String settings, StoredAuditEntry audit) {
    long[] id = {0};
    write(
        state -> {
          id[0] = state.putSlot(slot);
          checkSettings(state, expectedSettings);
          state.settings = settings;
          state.append(audit);
          return true;
        });
    return id[0];
  }

  @Override
  public boolean removeSlot(
      long id, String expectedSettings, String settings, StoredAuditEntry audit) {
    return write(
        state -> {
          if (state.slots.remove(id) == null) {
            return false;
          }
          checkSettings(state, expectedSettings);
          state.settings = settings;
          state.append(audit);
          return true;
        });
  }

  @Override
  public Optional<StoredKey> findKey(String name) {
    return read(
        state -> Optional.ofNullable(state.keys.get(name)).map(InMemoryKeyRecordStore::copy));
  }

  @Override
  public List<String> keysWithDueChanges(long nowMillis) {
    return read(
        state -> {
          List<String> due = new ArrayList<>();
          for (StoredKey key : state.keys.values()) {
            if (rotationDue(key, nowMillis) || destructionDue(key, nowMillis)) {
              due.add(key.name());
            }
          }
          return due;
        });
  }

  private static boolean rotationDue(StoredKey key, long nowMillis) {
    if (key.rotationPeriodSeconds() <= 0) {
      return false;
    }
    for (StoredKeyVersion version : key.versions()) {
      if (version.version() == key.primaryVersion()) {
        try {
          long periodMillis = Math.multiplyExact(key.rotationPeriodSeconds(), 1000L);
          return Math.addExact(version.createdAtMillis(), periodMillis) <= nowMillis;
        } catch (ArithmeticException beyondLong) {
          return false; // due after the end of time
        }
      }
    }
    return false;
  }

  private static boolean destructionDue(StoredKey key, long nowMillis) {
    for (StoredKeyVersion version : key.versions()) {
      if (version.state().equals("SCHEDULED_FOR_DESTRUCTION")
          && version.destroyAtMillis() <= nowMillis) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<StoredKey> listKeys() {
    return read(state -> state.keys.values().stream().map(InMemoryKeyRecordStore::copy).toList());
  }

  @Override
  public void insertKeys(List<StoredKey> keys, List<StoredAuditEntry> audit) {
    if (keys.size() != audit.size()) {
      throw new IllegalArgumentException(
          keys.size() + " keys but " + audit.size() + " audit entries");
    }
    write(
        state -> {
          for (int i = 0; i < keys.size(); i++) {
            StoredKey key = keys.get(i);
            if (state.keys.containsKey(key.name())) {
              throw new KeyAlreadyExistsException(
                  "key '" + key.name() + "' already exists in " + database.description);
            }
            state.keys.put(key.name(), copy(key));
            state.append(audit.get(i));
          }
          return true;
        });
  }

  @Override
  public void updateKey(StoredKey key, long expectedRevision, StoredAuditEntry audit) {
    write(
        state -> {
          StoredKey current = state.keys.get(key.name());
          if (current == null || current.revision() != expectedRevision) {
            throw new ConcurrentUpdateException(
                "key '" + key.name() + "' changed meanwhile (or was removed)");
          }
          state.keys.put(key.name(), copy(key));
          state.append(audit);
          return true;
        });
  }

  @Override
  public void replaceAll(
      Map<String, Long> expectedRevisions,
      List<StoredKey> keys,
      List<StoredSlot> slots,
      String expectedSettings,
      String settings,
      StoredAuditEntry audit) {
    write(
        state -> {
          Map<String, Long> revisions = new LinkedHashMap<>();
          state.keys.values().forEach(key -> revisions.put(key.name(), key.revision()));
          if (!revisions.equals(expectedRevisions)) {
            throw new ConcurrentUpdateException("keys changed while the store was being rewrapped");
          }
          Set<Long> resealedIds = new HashSet<>();
          slots.forEach(slot -> resealedIds.add(slot.id()));
          if (!state.slots.keySet().equals(resealedIds)) {
            throw new ConcurrentUpdateException(
                "unlock slots changed while the store was being rewrapped");
          }
          checkSettings(state, expectedSettings);
          state.settings = settings;
          state.keys.clear();
          keys.forEach(key -> state.keys.put(key.name(), copy(key)));
          state.slots.clear();
          slots.forEach(state::putSlot);
          state.append(audit);
          return true;
        });
  }

  @Override
  public void appendAudit(StoredAuditEntry entry) {
    write(
        state -> {
          state.append(entry);
          return true;
        });
  }

  @Override
  public long lastAuditSequenceOf(List<String> actions) {
    return read(
        state -> {
          for (StoredAuditEntry entry : state.audit.descendingMap().values()) {
            if (entry.outcome().equals("ok") && actions.contains(entry.action())) {
              return entry.sequence();
            }
          }
          return 0L;
        });
  }

  @Override
  public long lastAuditSequenceOf(String keyName, List<String> actions) {
    return read(
        state -> {
          for (StoredAuditEntry entry : state.audit.descendingMap().values()) {
            if (keyName.equals(entry.keyName())
                && entry.outcome().equals("ok")
                && actions.contains(entry.action())) {
              return entry.sequence();
            }
          }
          return 0L;
        });
  }

  @Override
  public Optional<StoredAuditEntry> lastAuditEntry() {
    return read(
        state -> Optional.ofNullable(state.audit.lastEntry()).map(last -> copy(last.getValue())));
  }

  @Override
  public List<StoredAuditEntry> auditEntries(long from, int limit) {
    return read(
        state -> {
          NavigableMap<Long, StoredAuditEntry> tail = state.audit.tailMap(from, true);
          return tail.values().stream().limit(limit).map(InMemoryKeyRecordStore::copy).toList();
        });
  }

  @Override
  public void addUsage(Map<String, Map<String, Long>> counts) {
    if (counts.isEmpty()) {
      return; // nothing to write: no commit that would move the other clients' data version
    }
    write(
        state -> {
          counts.forEach(
              (key, byOperation) ->
                  byOperation.forEach(
                      (operation, count) ->
                          state
                              .usage
                              .computeIfAbsent(key, k -> new TreeMap<>())
                              .merge(operation, count, Long::sum)));
          return true;
        });
  }

  @Override
  public Map<String, Map<String, Long>> usage() {
    return read(
        state -> {
          Map<String, Map<String, Long>> usage = new LinkedHashMap<>();
          state.usage.forEach((key, counts) -> usage.put(key, new LinkedHashMap<>(counts)));
          return usage;
        });
  }

  @Override
  public void backupTo(Path target) {
    State snapshot = read(state -> state); // in place, it never changes: a consistent copy
    try {
      InMemoryBackupFile.write(snapshot, target);
    } catch (FileAlreadyExistsException e) {
      throw new StoreException("backup target " + target + " exists already; choose a new file");
    } catch (IOException e) {
      throw new StoreException(
          "cannot back up " + database.description + " to " + target + ": " + e, e);
    }
  }

  @Override
  public StoreContents snapshot() {
    return read(
        state -> {
          if (state.storeId == null) {
            throw new StoreException(database.description + " is empty: there is nothing to copy");
          }
          return new StoreContents(
              state.storeId,
              state.settings,
              state.slots.values().stream().map(InMemoryKeyRecordStore::copy).toList(),
              state.lastSlotId,
              state.keys.values().stream().map(InMemoryKeyRecordStore::copy).toList(),
              state.audit.values().stream().map(InMemoryKeyRecordStore::copy).toList(),
              usage());
        });
  }

  @Override
  public void load(StoreContents contents) {
    write(
        state -> {
          if (state.storeId != null
              || !state.slots.isEmpty()
              || !state.keys.isEmpty()
              || !state.audit.isEmpty()
              || !state.usage.isEmpty()) {
            throw new StoreException(
                "cannot load a copy into " + database.description + ": it is not empty");
          }
          state.storeId = contents.storeId();
          state.settings = contents.settings();
          contents.slots().forEach(state::putSlot);
          state.lastSlotId = Math.max(state.lastSlotId, contents.highestSlotId());
          contents.keys().forEach(key -> state.keys.put(key.name(), copy(key)));
          contents.audit().forEach(state::append);
          contents.usage().forEach((key, counts) -> state.usage.put(key, new TreeMap<>(counts)));
          return true;
        });
  }

  /** Another client's commits call {@code onChange} at once, on the committing thread. */
  @Override
  public void watchChanges(Runnable onChange) {
    watchers.add(onChange);
  }

  @Override
  public long dataVersion() {
    synchronized (database) {
      checkOpen();
      return database.commits - ownCommits; // moves with the other clients' commits only
    }
  }

  @Override
  public void close() {
    synchronized (database) {
      closed = true;
      database.clients.remove(this);
    }
    watchers.clear();
  }

  @Override
  public String toString() {
    return "InMemoryKeyRecordStore[" + database.description + "]";
  }

  // ---------------------------------------------------------------- copies of records

  static StoredSlot copy(StoredSlot slot) {
    return withId(slot, slot.id());
  }

  private static StoredSlot withId(StoredSlot slot, long id) {
    return new StoredSlot(
        id,
        slot.kind(),
        slot.kdfParameters(),
        slot.salt().clone(),
        slot.wrappedMasterKey().clone(),
        slot.createdAtMillis());
  }

  /** A copy, its versions in ascending order. */
  static StoredKey copy(StoredKey key) {
    List<StoredKeyVersion> versions = new ArrayList<>();
    for (StoredKeyVersion v : key.versions()) {
      versions.add(
          new StoredKeyVersion(
              v.version(),
              v.state(),
              v.createdAtMillis(),
              v.destroyAtMillis(),
              v.publicKey() == null ? null : v.publicKey().clone(),
              v.material() == null ? null : v.material().clone(),
              v.certificateChain() == null ? null : v.certificateChain().clone(),
              v.rowMac().clone()));
    }
    versions.sort(Comparator.comparingInt(StoredKeyVersion::version));
    return new StoredKey(
        key.name(),
        key.algorithm(),
        key.rsaModulusBits(),
        key.operations(),
        key.extractable(),
        key.imported(),
        key.materialForm(),
        key.labels(),
        key.primaryVersion(),
        key.createdAtMillis(),
        key.enabled(),
        key.rotationPeriodSeconds(),
        key.minDecryptionVersion(),
        key.revision(),
        key.auditSequence(),
        key.rowMac().clone(),
        versions);
  }

  static StoredAuditEntry copy(StoredAuditEntry entry) {
    return new StoredAuditEntry(
        entry.sequence(),
        entry.atMillis(),
        entry.actor(),
        entry.action(),
        entry.keyName(),
        entry.version(),
        entry.outcome(),
        entry.detail(),
        entry.hash().clone(),
        entry.mac().clone());
  }
}
