package dev.hsm.spi;

import dev.hsm.StoreException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where key records live: names, versions, states, policies, wrapped material or token references,
 * unlock slots, settings, usage counters and the audit chain. A store knows nothing of
 * cryptography: the engine MACs every row and wraps every secret before it gets here, checks every
 * row it reads back, and so a store must return exactly the bytes it was given. It keeps its own
 * copies: changing an array after passing it in, or one it returned, changes nothing stored.
 *
 * <p>Implementations must be thread-safe. Every write method is one atomic transaction, durable
 * when it returns. A write that carries an audit entry appends it in the same transaction, and
 * fails with {@link ConcurrentUpdateException} (writing nothing) if an entry with that sequence
 * number exists already: the audit log's sequence is what serialises writers across processes.
 * Every read sees every write that returned before the read began, this client's and other
 * clients': the engine reads a key's revision or the audit log's head just before it writes, and
 * re-reads after a conflict.
 *
 * <p>Several clients (processes, or instances of a service) may open the same store through their
 * own {@link Factory#open()}. Each client notices the others' writes through {@link #dataVersion()}
 * and learns which keys changed from the audit entries written since, so it drops only those keys
 * from its cache.
 *
 * <p>Strings and arrays in and out are never {@code null} unless a record's documentation says so.
 * A failure of the storage itself (I/O, a lock held too long, a closed client) throws {@link
 * dev.hsm.StoreException} naming the store.
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

  /** The store's id, or empty until {@link #initialize} succeeded. */
  Optional<String> storeId();

  /**
   * Initialises an empty store with its id, settings and first unlock slot, atomically, without an
   * audit entry. The slot's id is 0 and the store assigns one, as in {@link #addSlot}.
   *
   * @return {@code false} if the store was initialised already, by this client or another (then
   *     nothing was written)
   */
  boolean initialize(String storeId, String settings, StoredSlot firstSlot);

  /**
   * The store's settings (authenticated by the engine) as last written, or empty before {@link
   * #initialize}.
   */
  Optional<String> settings();

  /**
   * Replaces the settings, if they still equal {@code expected}, and appends {@code audit}.
   *
   * @throws ConcurrentUpdateException if they changed in between (or there are none), or {@code
   *     audit}'s sequence number is taken; then nothing was written
   */
  void updateSettings(String expected, String settings, StoredAuditEntry audit);

  /** All unlock slots, in ascending order of id. */
  List<StoredSlot> unlockSlots();

  /**
   * Adds an unlock slot, replaces the settings (which record the set of slots) if they still equal
   * {@code expectedSettings}, and appends {@code audit}, in one transaction. The slot's id is 0:
   * the store assigns one higher than that of every slot it ever held (ids are never reused), so
   * the newest slot comes last in {@link #unlockSlots()}.
   *
   * @return the id assigned to the slot
   * @throws ConcurrentUpdateException if the settings changed in between or {@code audit}'s
   *     sequence number is taken; then nothing was written
   */
  long addSlot(StoredSlot slot, String expectedSettings, String settings, StoredAuditEntry audit);

  /**
   * Removes the unlock slot with this id, replaces the settings if they still equal {@code
   * expectedSettings}, and appends {@code audit}, in one transaction.
   *
   * @return whether the slot existed; if not, nothing was written, not even {@code audit}
   * @throws ConcurrentUpdateException if the settings changed in between or {@code audit}'s
   *     sequence number is taken; then nothing was written
   */
  boolean removeSlot(long id, String expectedSettings, String settings, StoredAuditEntry audit);

  /**
   * The key with this name and all its versions, in ascending order of version, if present. Names
   * compare exactly: {@code Invoices} and {@code invoices} are two keys.
   */
  Optional<StoredKey> findKey(String name);

  /**
   * Names of the keys with a change due at {@code nowMillis}, each once, in no particular order: a
   * key whose {@code rotationPeriodSeconds} is above 0 and whose primary version (the one numbered
   * {@code primaryVersion}) was created at or before {@code nowMillis - rotationPeriodSeconds *
   * 1000}; and a key with a version in state {@code SCHEDULED_FOR_DESTRUCTION} whose {@code
   * destroyAtMillis} is at or before {@code nowMillis}. The rows are not authenticated here: the
   * engine checks each named key's rows before it changes anything.
   */
  List<String> keysWithDueChanges(long nowMillis);

  /**
   * Every key with its versions (as {@link #findKey}), sorted by name in {@link String#compareTo}
   * order (the engine's names are ASCII, where this is also byte order).
   */
  List<StoredKey> listKeys();

  /**
   * Inserts new keys with their versions, each followed by its audit entry ({@code audit.get(i)}
   * belongs to {@code keys.get(i)}), in one transaction: all of them or none. The engine uses it to
   * make several concurrent key creations durable with one commit.
   *
   * @throws dev.hsm.KeyAlreadyExistsException if a name is taken, by a stored key or by an earlier
   *     key of {@code keys} (then nothing was written)
   * @throws ConcurrentUpdateException if an entry's sequence number is taken (then nothing was
   *     written)
   * @throws IllegalArgumentException if the lists differ in size (then nothing was written)
   */
  void insertKeys(List<StoredKey> keys, List<StoredAuditEntry> audit);

  /**
   * Stores new keys, as {@link #insertKeys}, chained after the audit log's head as it is when they
   * are written. {@code chain} is given that head (empty for an empty log) and returns the keys and
   * their entries, the first entry chained to the head; nothing is written if it returns none. It
   * may be called more than once (after a lost connection) and must not use the store.
   *
   * <p>This default reads the head, then calls {@link #insertKeys}: if another client appends to
   * the log in between, it throws {@link ConcurrentUpdateException} and the engine chains again. A
   * store shared by many clients overrides it to read the head inside the write's transaction while
   * holding other writers of new keys off (PostgreSQL: a transaction-scoped advisory lock), so that
   * concurrent creations in several instances queue for the lock instead of failing and retrying.
   *
   * @throws dev.hsm.KeyAlreadyExistsException as for {@link #insertKeys}
   * @throws ConcurrentUpdateException as for {@link #insertKeys}
   */
  default void insertKeysAfterHead(Function<Optional<StoredAuditEntry>, NewKeys> chain) {
    NewKeys batch = chain.apply(lastAuditEntry());
    if (!batch.keys().isEmpty()) {
      insertKeys(batch.keys(), batch.audit());
    }
  }

  /**
   * Replaces a key's row and all its version rows (a version missing from {@code key} is removed),
   * and appends {@code audit}, if the stored revision is still {@code expectedRevision}. The store
   * stores {@code key.revision()} as given; the engine increments it.
   *
   * <p>A version whose material becomes {@code null} was destroyed: the store must not leave the
   * old bytes readable in its files (SQLite overwrites freed pages and checkpoints its write-ahead
   * log). Copies made before (backups, snapshots) are beyond its reach.
   *
   * @throws ConcurrentUpdateException if the revision moved or there is no key of that name, or
   *     {@code audit}'s sequence number is taken; then nothing was written
   */
  void updateKey(StoredKey key, long expectedRevision, StoredAuditEntry audit);

  /**
   * Replaces every key, every slot and the settings, and appends {@code audit}, in one transaction
   * (a master key rotation). Each slot keeps the id it carries.
   *
   * @param expectedRevisions every key's name and revision as read before: if any key was added,
   *     removed or changed since, nothing is written; likewise if the stored slots' ids differ from
   *     those of {@code slots}, or the settings from {@code expectedSettings}
   * @throws ConcurrentUpdateException if keys, slots or settings changed in between, or {@code
   *     audit}'s sequence number is taken; then nothing was written
   */
  void replaceAll(
      Map<String, Long> expectedRevisions,
      List<StoredKey> keys,
      List<StoredSlot> slots,
      String expectedSettings,
      String settings,
      StoredAuditEntry audit);

  /**
   * Appends an audit entry on its own. The store needs to check neither the hash chain nor that
   * sequence numbers follow each other: the engine does ({@code AuditLog.verify()}).
   *
   * @throws ConcurrentUpdateException if an entry with its sequence number exists (which stays as
   *     it was)
   */
  void appendAudit(StoredAuditEntry entry);

  /**
   * The highest sequence number of an audit entry with outcome {@code ok} and one of {@code
   * actions}, or 0 (also for no actions). Refused entries do not count: a refused act changed
   * nothing. The engine calls it before each settings check, so it should not read the whole log.
   */
  long lastAuditSequenceOf(List<String> actions);

  /**
   * The highest sequence number of an audit entry with outcome {@code ok} that names {@code
   * keyName} and has one of {@code actions}, or 0. The engine calls it whenever it loads a key, to
   * check that the key's rows are the ones its last change wrote (and that a key the log knows has
   * rows at all), so it must be an indexed lookup, not a scan of the log.
   */
  long lastAuditSequenceOf(String keyName, List<String> actions);

  /** The audit entry with the highest sequence number, if any. */
  Optional<StoredAuditEntry> lastAuditEntry();

  /**
   * At most {@code limit} (above 0) audit entries with {@code sequence >= from}, in ascending order
   * of sequence number.
   */
  List<StoredAuditEntry> auditEntries(long from, int limit);

  /**
   * Adds to per-key, per-operation usage counters (key name to operation name to count), creating
   * missing ones, in one transaction: counts from every call and every client add up. An empty map
   * writes nothing: the engine calls this every refresh interval, and a write would move the other
   * clients' {@link #dataVersion()}.
   */
  void addUsage(Map<String, Map<String, Long>> counts);

  /**
   * Usage counters: key name to operation name to count, in ascending order of key name and, per
   * key, of operation name.
   */
  Map<String, Map<String, Long>> usage();

  /**
   * Writes a consistent copy of the whole store (every write that returned before the backup began,
   * none half) to the new file {@code target}, while the store stays in use. The file's form is the
   * store's own: the SQLite store writes an SQLite database that {@code HsmClient.restoreBackup}
   * opens.
   *
   * @throws dev.hsm.StoreException if {@code target} exists already (it is left as it was), or the
   *     copy fails
   */
  void backupTo(Path target);

  /**
   * A number that changes when another client of the store commits a write, and stays the same
   * while no client writes (reads do not move it); it may or may not change for this client's own
   * writes. Only inequality means something. Cheap to read: the engine reads it every refresh
   * interval to notice other processes' rotations and state changes.
   */
  long dataVersion();

  /**
   * Calls {@code onChange} soon after another client commits a write, so that the engine looks at
   * once (reading {@link #dataVersion()} and the audit log) instead of at its next refresh. A store
   * that cannot push keeps this default, which never calls it, and is polled every refresh
   * interval; a store that can push (PostgreSQL's {@code LISTEN}/{@code NOTIFY}) is still polled,
   * so a lost notification delays a change by one interval at most.
   *
   * <p>{@code onChange} is cheap and thread-safe (the engine only schedules a look on its own
   * thread): a store may call it from any thread, as often as it likes, also spuriously, and must
   * stop calling it once this client is closed.
   */
  default void watchChanges(Runnable onChange) {}

  /**
   * Everything the store holds, as of one moment: every write that returned before the call began,
   * none half, and none that began after it. For copying a whole store into another ({@link
   * #load}).
   *
   * <p>This default reads through the other methods and reads again if the audit log's head, the
   * settings or the unlock slots moved meanwhile (every change to keys, slots or settings appends
   * an entry); only usage counters saved meanwhile may be newer than the rest. A store that can
   * read in one transaction (a snapshot) should override it.
   *
   * @throws dev.hsm.StoreException if the store is not initialised, or keeps changing
   */
  default StoreContents snapshot() {
    for (int attempt = 1; attempt <= 100; attempt++) {
      Optional<StoredAuditEntry> head = lastAuditEntry();
      Optional<String> settings = settings();
      List<StoredSlot> slots = unlockSlots();
      String storeId = storeId().orElseThrow(() -> new StoreException(description() + " is empty"));
      List<StoredKey> keys = listKeys();
      long last = head.map(StoredAuditEntry::sequence).orElse(0L);
      List<StoredAuditEntry> audit = new ArrayList<>();
      for (long from = 0; from <= last; ) {
        List<StoredAuditEntry> page = auditEntries(from, 10_000);
        if (page.isEmpty()) {
          break;
        }
        for (StoredAuditEntry entry : page) {
          if (entry.sequence() <= last) {
            audit.add(entry);
          }
        }
        from = page.get(page.size() - 1).sequence() + 1;
      }
      Map<String, Map<String, Long>> usage = usage();
      boolean unchanged =
          lastAuditEntry().map(StoredAuditEntry::sequence).orElse(0L) == last
              && settings().equals(settings)
              && unlockSlots().stream()
                  .map(StoredSlot::id)
                  .toList()
                  .equals(slots.stream().map(StoredSlot::id).toList());
      if (unchanged) {
        long highest = slots.stream().mapToLong(StoredSlot::id).max().orElse(0);
        return new StoreContents(
            storeId, settings.orElseThrow(), slots, highest, keys, audit, usage);
      }
    }
    throw new StoreException(
        "cannot read a consistent copy of " + description() + ": it kept changing");
  }

  /**
   * Fills this empty store with {@code contents} (another store's {@link #snapshot()}), in one
   * transaction: afterwards every read returns exactly what the source's reads returned (slots with
   * their ids, keys, every audit entry, usage counters), and new slots get ids above {@link
   * StoreContents#highestSlotId()}. Other clients see nothing of it until it is complete.
   *
   * <p>This default refuses: a store that can be the target of a copy overrides it.
   *
   * @throws dev.hsm.StoreException if the store is not empty (it was initialised: then nothing was
   *     written), or cannot load at all
   */
  default void load(StoreContents contents) {
    throw new StoreException(
        "cannot load a copy of another store into " + description() + ": it does not support it");
  }

  /**
   * Releases this client's resources (connections, threads); the store and its other clients are
   * unaffected. Idempotent.
   */
  @Override
  void close();
}
