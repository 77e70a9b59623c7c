package dev.hsm.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Durable storage for one key store. Implementations must be thread-safe; every write method is one
 * atomic transaction, durable when it returns. A write that carries an audit entry appends it in
 * the same transaction, and fails with {@link ConcurrentUpdateException} if an entry with that
 * sequence number exists already.
 */
public interface KeyStoreBackend extends AutoCloseable {

  /** The store's id, or empty if the store has not been initialised yet. */
  Optional<String> storeId();

  /**
   * Initialises an empty store with its id, settings and first unlock slot, atomically.
   *
   * @return {@code false} if another process initialised it first (then nothing was written)
   */
  boolean initialize(String storeId, String settings, StoredSlot firstSlot);

  /** The store's settings (authenticated by the engine), or empty if missing. */
  Optional<String> settings();

  /**
   * Replaces the settings if they still equal {@code expected}.
   *
   * @throws ConcurrentUpdateException if they changed in between
   */
  void updateSettings(String expected, String settings, StoredAuditEntry audit);

  /** All unlock slots. */
  List<StoredSlot> unlockSlots();

  /** Adds an unlock slot. */
  void addSlot(StoredSlot slot, StoredAuditEntry audit);

  /** Removes the unlock slot with this id; returns whether it existed. */
  boolean removeSlot(long id, StoredAuditEntry audit);

  /** The key with this name and all its versions, if present. */
  Optional<StoredKey> findKey(String name);

  /**
   * Names of keys that may have a change due at {@code nowMillis}: a rotation period passed or a
   * scheduled destruction reached. Candidates only; the engine checks the authenticated rows.
   */
  List<String> keysWithDueChanges(long nowMillis);

  /** Every key with its versions, sorted by name. */
  List<StoredKey> listKeys();

  /**
   * Inserts new keys with their versions, each followed by its audit entry ({@code audit.get(i)}
   * belongs to {@code keys.get(i)}), in one transaction: all of them or none. The engine uses it to
   * make several concurrent key creations durable with one commit.
   *
   * @throws dev.hsm.KeyAlreadyExistsException if a name is taken (then nothing was written)
   */
  void insertKeys(List<StoredKey> keys, List<StoredAuditEntry> audit);

  /**
   * Replaces a key's row and all its version rows, if its stored revision is still {@code
   * expectedRevision}.
   *
   * @throws ConcurrentUpdateException if the revision moved
   */
  void updateKey(StoredKey key, long expectedRevision, StoredAuditEntry audit);

  /**
   * Replaces every key, every slot and the settings in one transaction (a master key rotation).
   *
   * @param expectedRevisions every key's name and revision as read before: if any key was added,
   *     removed or changed since, nothing is written; likewise if the slot ids differ from those of
   *     {@code slots}
   * @throws ConcurrentUpdateException if keys or settings changed in between
   */
  void replaceAll(
      Map<String, Long> expectedRevisions,
      List<StoredKey> keys,
      List<StoredSlot> slots,
      String expectedSettings,
      String settings,
      StoredAuditEntry audit);

  /** Appends an audit entry on its own. */
  void appendAudit(StoredAuditEntry entry);

  /** The highest sequence number of an audit entry with one of {@code actions}, or 0. */
  long lastAuditSequenceOf(List<String> actions);

  /** The last audit entry, if any. */
  Optional<StoredAuditEntry> lastAuditEntry();

  /** Audit entries with {@code sequence >= from}, in order, at most {@code limit}. */
  List<StoredAuditEntry> auditEntries(long from, int limit);

  /** Adds to per-key, per-operation usage counters: key name to operation name to count. */
  void addUsage(Map<String, Map<String, Long>> counts);

  /** Usage counters: key name to operation name to count. */
  Map<String, Map<String, Long>> usage();

  /** A consistent copy of the whole store, written to {@code target}, while it stays in use. */
  void backupTo(Path target);

  /**
   * A number that changes whenever another connection commits a change to the store; cheap to read,
   * used to notice other processes' rotations.
   */
  long dataVersion();

  /** Releases the backend's resources. */
  @Override
  void close();
}
