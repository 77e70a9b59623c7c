package dev.hsm.internal.engine;

import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.NewKeys;
import dev.hsm.spi.StoreContents;
import dev.hsm.spi.StoredAuditEntry;
import dev.hsm.spi.StoredKey;
import dev.hsm.spi.StoredSlot;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The client's store, telling its {@link Observers} of every audit entry the client writes once the
 * write returned (committed). Every call goes to the store as it is; only the writes that carry
 * audit entries say more.
 */
final class ObservedStore implements KeyRecordStore {
  private final KeyRecordStore store;
  private final Observers observers;

  ObservedStore(KeyRecordStore store, Observers observers) {
    this.store = store;
    this.observers = observers;
  }

  @Override
  public void updateSettings(String expected, String settings, StoredAuditEntry audit) {
    store.updateSettings(expected, settings, audit);
    observers.audited(audit);
  }

  @Override
  public long addSlot(
      StoredSlot slot, String expectedSettings, String settings, StoredAuditEntry audit) {
    long id = store.addSlot(slot, expectedSettings, settings, audit);
    observers.audited(audit);
    return id;
  }

  @Override
  public boolean removeSlot(
      long id, String expectedSettings, String settings, StoredAuditEntry audit) {
    boolean removed = store.removeSlot(id, expectedSettings, settings, audit);
    if (removed) {
      observers.audited(audit);
    }
    return removed;
  }

  @Override
  public void insertKeys(List<StoredKey> keys, List<StoredAuditEntry> audit) {
    store.insertKeys(keys, audit);
    observers.audited(audit);
  }

  /**
   * As the store does (a shared store chains inside its transaction, under its lock); the entries
   * heard are those of the batch the store last asked for, which is the one it wrote.
   */
  @Override
  public void insertKeysAfterHead(Function<Optional<StoredAuditEntry>, NewKeys> chain) {
    AtomicReference<NewKeys> written = new AtomicReference<>();
    store.insertKeysAfterHead(
        head -> {
          NewKeys batch = chain.apply(head);
          written.set(batch);
          return batch;
        });
    NewKeys batch = written.get();
    if (batch != null && !batch.keys().isEmpty()) {
      observers.audited(batch.audit());
    }
  }

  @Override
  public void updateKey(StoredKey key, long expectedRevision, StoredAuditEntry audit) {
    store.updateKey(key, expectedRevision, audit);
    observers.audited(audit);
  }

  @Override
  public void replaceAll(
      Map<String, Long> expectedRevisions,
      List<StoredKey> keys,
      List<StoredSlot> slots,
      String expectedSettings,
      String settings,
      StoredAuditEntry audit) {
    store.replaceAll(expectedRevisions, keys, slots, expectedSettings, settings, audit);
    observers.audited(audit);
  }

  @Override
  public void appendAudit(StoredAuditEntry entry) {
    store.appendAudit(entry);
    observers.audited(entry);
  }

  // ---------------------------------------------------------------- as the store does

  @Override
  public String description() {
    return store.description();
  }

  @Override
  public Optional<String> storeId() {
    return store.storeId();
  }

  @Override
  public boolean initialize(String storeId, String settings, StoredSlot firstSlot) {
    return store.initialize(storeId, settings, firstSlot);
  }

  @Override
  public Optional<String> settings() {
    return store.settings();
  }

  @Override
  public List<StoredSlot> unlockSlots() {
    return store.unlockSlots();
  }

  @Override
  public Optional<StoredKey> findKey(String name) {
    return store.findKey(name);
  }

  @Override
  public List<String> keysWithDueChanges(long nowMillis) {
    return store.keysWithDueChanges(nowMillis);
  }

  @Override
  public List<StoredKey> listKeys() {
    return store.listKeys();
  }

  @Override
  public long lastAuditSequenceOf(List<String> actions) {
    return store.lastAuditSequenceOf(actions);
  }

  @Override
  public long lastAuditSequenceOf(String keyName, List<String> actions) {
    return store.lastAuditSequenceOf(keyName, actions);
  }

  @Override
  public Optional<StoredAuditEntry> lastAuditEntry() {
    return store.lastAuditEntry();
  }

  @Override
  public List<StoredAuditEntry> auditEntries(long from, int limit) {
    return store.auditEntries(from, limit);
  }

  @Override
  public void addUsage(Map<String, Map<String, Long>> counts) {
    store.addUsage(counts);
  }

  @Override
  public Map<String, Map<String, Long>> usage() {
    return store.usage();
  }

  @Override
  public void backupTo(Path target) {
    store.backupTo(target);
  }

  @Override
  public long dataVersion() {
    return store.dataVersion();
  }

  @Override
  public void watchChanges(Runnable onChange) {
    store.watchChanges(onChange);
  }

  @Override
  public StoreContents snapshot() {
    return store.snapshot();
  }

  @Override
  public void load(StoreContents contents) {
    store.load(contents);
  }

  @Override
  public void close() {
    store.close();
  }

  @Override
  public String toString() {
    return store.toString();
  }
}
