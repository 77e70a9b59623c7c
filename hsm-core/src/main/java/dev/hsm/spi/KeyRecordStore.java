package dev.hsm.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where key records live: names, versions, states, policies, wrapped material or token references,
 * unlock slots, settings, usage counters and the audit chain. A store knows nothing of
 * cryptography: the engine MACs every row and wraps every secret before it gets here, checks every
 * row it reads back, and so a store must return exactly the bytes it was given.
 *
 * <p>Implementations must be thread-safe. Every write method is one atomic transaction, durable
 * when it returns. A write that carries an audit entry appends it in the same transaction, and
 * fails with {@link ConcurrentUpdateException} (writing nothing) if an entry with that sequence
 * number exists already: the audit log's sequence is what serialises writers across processes.
 *
 * <p>Several clients (processes, or instances of a service) may open the same store through their
 * own {@link Factory#open()}. Each client notices the others' writes through {@link #dataVersion()}
 * and learns which keys changed from the audit entries written since, so it drops only those keys
 * from its cache.
 *
 * <p>The built-in store is one SQLite file ({@code HsmConfig.sqlite(path)}); others are plugged in
 * with {@code HsmConfig.store(factory)}. What every store must do is written down, as tests, in the
 * contract suite {@code dev.hsm.contract.KeyRecordStoreContract} of hsm-core's test-jar.
 */
public interface KeyRecordStore extends AutoCloseable {

  /**
   * Opens a client on one store; set on {@code HsmConfig.store(factory)}. Each {@link #open()}
   * gives an independent client of the same store, as a second process would have.
   */
  interface Factory {
    /**
     * Opens a client on the store, creating the store's schema if it has none. Writes nothing to
     * storage that holds something other than a key store, and fails with {@link
     * dev.hsm.StoreException} naming it instead.
     */
    KeyRecordStore open();

    /**
     * What the store is, for messages and {@code toString()}: e.g. {@code SQLite file
     * /srv/app-hsm.db}. Never a password or other secret.
     */
    String description();
  }

  /**
   * What this store is, for messages: the same text as its factory's {@link Factory#description()}.
   */
  String description();

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

  /**
   * Writes a consistent copy of the whole store to the new file {@code target}, while the store
   * stays in use.
   *
   * @throws dev.hsm.StoreException if {@code target} exists already, or the copy fails
   */
  void backupTo(Path target);

  /**
   * A number that changes whenever another connection commits a change to the store; cheap to read,
   * used to notice other processes' rotations.
   */
  long dataVersion();

  /** Releases this client's resources (connections, threads). Idempotent. */
  @Override
  void close();
}
