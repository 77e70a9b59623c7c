package dev.hsm.postgresql;

import dev.hsm.StoreException;
import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.NewKeys;
import dev.hsm.spi.StoreContents;
import dev.hsm.spi.StoredAuditEntry;
import dev.hsm.spi.StoredKey;
import dev.hsm.spi.StoredSlot;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The key store in a PostgreSQL database (13 or later), shared by many application instances: each
 * keeps the embedded engine and its cache, and they share key records, versions, unlock slots, the
 * settings and the audit log here. Set it with {@code HsmConfig.store(factory)}:
 *
 * <pre>{@code
 * HsmConfig.store(PostgresKeyRecordStore.factory(
 *         "jdbc:postgresql://db.internal:5432/app", "app_hsm", password, "hsm"))
 *     .keyFile(Path.of("/run/secrets/hsm.key"))
 * }</pre>
 *
 * <p>How it keeps the SPI's promises:
 *
 * <ul>
 *   <li>Every write is one transaction at the connection's isolation level ({@code READ
 *       COMMITTED}); its conditions make it safe there: a key's revision and the settings' exact
 *       text are compare-and-set in the {@code UPDATE}'s {@code WHERE}, and an audit entry whose
 *       sequence number another transaction is writing waits for it and then fails on the primary
 *       key ({@code ConcurrentUpdateException}), so writers chained to the same head serialise.
 *   <li>Every write transaction also counts itself in its client's own row and sends {@code
 *       NOTIFY}, delivered at commit: the others' counts are the {@link #dataVersion()}, and a
 *       listener connection per client ({@link #watchChanges}) tells the engine at once, so changes
 *       reach other instances in milliseconds; if a notification is lost, the engine's polling of
 *       the data version finds the change at its next refresh.
 *   <li>Work that fails because the connection was lost (a server restart, a failover) runs again
 *       on a new connection for up to 30 seconds, unless it was committing; the listener connects
 *       again by itself.
 *   <li>{@link #backupTo} writes an SQLite store file from one snapshot ({@code REPEATABLE READ}),
 *       which {@code HsmClient.restoreBackup} and {@code HsmClient.copyStore} take.
 * </ul>
 *
 * <p>The tables live in one schema of the user's choosing (default {@value #DEFAULT_SCHEMA}),
 * created and migrated by the library with ordinary privileges; see {@link Schema}.
 */
public final class PostgresKeyRecordStore implements KeyRecordStore {
  /** The schema the starters use unless {@code hsm.store.schema} names another. */
  public static final String DEFAULT_SCHEMA = "hsm";

  /** The schema this code writes; a store with a higher version is refused. */
  public static final int SCHEMA_VERSION = Schema.VERSION;

  private final Database database;

  /**
   * Held by a transaction that stores new keys, until it ends: one lock per schema (the first key,
   * "HSM1" in ASCII, keeps it apart from other applications' advisory locks in the database).
   */
  private static final String NEW_KEYS_LOCK =
      "SELECT pg_advisory_xact_lock(1213418801, hashtext(?))";

  private final String schema;
  private final Commits commits;
  private final ChangeListener listener;
  private final MetaRows meta;
  private final SlotRows slots;
  private final KeyRows keys;
  private final AuditRows audit;
  private final UsageRows usage;
  private final NewKeyRows newKeyRows;
  private final WholeStoreRows whole;

  private PostgresKeyRecordStore(
      Database database, String schema, ChangeListener.Connector listenerConnection) {
    this.database = database;
    this.schema = schema;
    this.commits = new Commits(schema, UUID.randomUUID().toString());
    this.listener =
        new ChangeListener(
            listenerConnection, Commits.channel(schema), commits.client(), database.description());
    this.meta = new MetaRows(schema);
    this.slots = new SlotRows(schema);
    this.keys = new KeyRows(schema);
    this.audit = new AuditRows(schema);
    this.usage = new UsageRows(schema);
    this.newKeyRows = new NewKeyRows(schema, audit, keys, commits);
    this.whole = new WholeStoreRows(schema, meta, slots, keys, audit, usage);
  }

  // ---------------------------------------------------------------- factories

  /**
   * A store in {@code schema} of the database at {@code jdbcUrl}. Each client ({@link
   * KeyRecordStore.Factory#open()}, once per {@code HsmClient}) has its own connection pool
   * (HikariCP, at most {@value Pools#MAX_CONNECTIONS} connections) and one more connection that
   * listens for other instances' changes, and closes them with the client.
   *
   * @param jdbcUrl e.g. {@code jdbc:postgresql://db.internal:5432/app}
   * @param user the database role, or {@code null} for the driver's default
   * @param password its password, or {@code null}; never shown in a description or message
   * @param schema the schema holding the store's tables, e.g. {@value #DEFAULT_SCHEMA}
   * @throws IllegalArgumentException if the URL is not a {@code jdbc:postgresql:} URL, or the
   *     schema name is not a lower-case identifier of at most 48 characters
   */
  public static KeyRecordStore.Factory factory(
      String jdbcUrl, String user, String password, String schema) {
    Pools.checkUrl(jdbcUrl);
    Schema.checkName(schema);
    String description = Pools.describe(jdbcUrl, schema);
    return new Pools.NamedFactory(description) {
      @Override
      public KeyRecordStore open() {
        Pools.AutoCloseableDataSource pool =
            Pools.open(jdbcUrl, user, password, schema, description);
        return PostgresKeyRecordStore.open(
            pool.dataSource(),
            pool,
            schema,
            description,
            () -> Pools.connect(jdbcUrl, user, password));
      }
    };
  }

  /**
   * A store in {@code schema} of the database the application's own {@code dataSource} (a pool)
   * connects to. Clients borrow its connections and never close it; each holds one of them for as
   * long as it is open, to listen for other instances' changes.
   *
   * @throws IllegalArgumentException if the schema name is not a lower-case identifier of at most
   *     48 characters
   */
  public static KeyRecordStore.Factory factory(DataSource dataSource, String schema) {
    java.util.Objects.requireNonNull(dataSource, "dataSource");
    Schema.checkName(schema);
    String description = "PostgreSQL through the application's DataSource, schema " + schema;
    return new Pools.NamedFactory(description) {
      @Override
      public KeyRecordStore open() {
        return PostgresKeyRecordStore.open(
            dataSource, null, schema, description, dataSource::getConnection);
      }
    };
  }

  private static PostgresKeyRecordStore open(
      DataSource source,
      AutoCloseable pool,
      String schema,
      String description,
      ChangeListener.Connector listenerConnection) {
    Database database = new Database(source, pool, description);
    try {
      Schema.createOrCheck(database, schema);
      return new PostgresKeyRecordStore(database, schema, listenerConnection);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  @Override
  public String description() {
    return database.description();
  }

  // ---------------------------------------------------------------- store id, settings, slots

  /** Thrown inside {@link #initialize}'s transaction when another client initialised first. */
  private static final class InitialisedAlready extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InitialisedAlready() {
      super(null, null, false, false);
    }
  }

  @Override
  public Optional<String> storeId() {
    return database.read(
        "read the store id", c -> Optional.ofNullable(meta.read(c, MetaRows.STORE_ID)));
  }

  @Override
  public boolean initialize(String storeId, String settings, StoredSlot firstSlot) {
    try {
      return database.write(
          "initialise the store",
          c -> {
            if (meta.read(c, MetaRows.STORE_ID) != null) {
              throw new InitialisedAlready();
            }
            try {
              meta.insert(c, MetaRows.STORE_ID, storeId);
            } catch (SQLException e) {
              if ("store_meta_pkey".equals(Failures.violatedConstraint(e))) {
                throw new InitialisedAlready(); // another client's insert committed first
              }
              throw e;
            }
            meta.insert(c, MetaRows.SETTINGS, settings);
            slots.insert(c, firstSlot);
            commits.count(c);
            return true;
          });
    } catch (InitialisedAlready e) {
      return false;
    }
  }

  @Override
  public Optional<String> settings() {
    return database.read(
        "read the store settings", c -> Optional.ofNullable(meta.read(c, MetaRows.SETTINGS)));
  }

  @Override
  public void updateSettings(String expected, String settings, StoredAuditEntry entry) {
    database.write(
        "update the store settings",
        c -> {
          meta.replaceSettings(c, expected, settings);
          audit.append(c, entry);
          commits.count(c);
          return null;
        });
  }

  @Override
  public List<StoredSlot> unlockSlots() {
    return database.read("read unlock slots", slots::readAll);
  }

  @Override
  public long addSlot(
      StoredSlot slot, String expectedSettings, String settings, StoredAuditEntry entry) {
    return database.write(
        "add an unlock slot",
        c -> {
          long id = slots.insert(c, slot);
          meta.replaceSettings(c, expectedSettings, settings);
          audit.append(c, entry);
          commits.count(c);
          return id;
        });
  }

  @Override
  public boolean removeSlot(
      long id, String expectedSettings, String settings, StoredAuditEntry entry) {
    return database.write(
        "remove unlock slot " + id,
        c -> {
          if (!slots.delete(c, id)) {
            return false; // nothing written: nothing counted or notified either
          }
          meta.replaceSettings(c, expectedSettings, settings);
          audit.append(c, entry);
          commits.count(c);
          return true;
        });
  }

  // ---------------------------------------------------------------- keys

  @Override
  public Optional<StoredKey> findKey(String name) {
    return database.read("read key '" + name + "'", c -> keys.read(c, name).stream().findFirst());
  }

  @Override
  public List<StoredKey> listKeys() {
    // In a transaction: the driver streams rows (fetch size) only outside autocommit.
    return database.snapshot("list keys", keys::readAll);
  }

  @Override
  public List<String> keysWithDueChanges(long nowMillis) {
    return database.read("find due changes", c -> keys.dueChanges(c, nowMillis));
  }

  @Override
  public void insertKeys(List<StoredKey> newKeys, List<StoredAuditEntry> entries) {
    if (newKeys.size() != entries.size()) {
      throw new IllegalArgumentException(
          newKeys.size() + " keys but " + entries.size() + " audit entries");
    }
    database.write(
        newKeys.size() == 1
            ? "store key '" + newKeys.get(0).name() + "'"
            : "store " + newKeys.size() + " keys",
        c -> {
          // One statement: another client chaining to the same head waits in it for this
          // transaction on the audit log's key, then fails with ConcurrentUpdateException.
          newKeyRows.insert(c, newKeys, entries);
          return null;
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here the head is read inside the write's transaction, after taking a transaction-scoped
   * advisory lock of this store's schema: instances creating keys at once queue for the lock, each
   * chaining after the previous one's entries, instead of colliding on the audit log's sequence
   * numbers and writing again. The lock is released by the commit; it needs no privilege.
   */
  @Override
  public void insertKeysAfterHead(Function<Optional<StoredAuditEntry>, NewKeys> chain) {
    database.write(
        "store new keys",
        c -> {
          // Three round trips under the lock: the lock with the head, the writes, the commit.
          NewKeys batch = chain.apply(audit.lastAfter(c, NEW_KEYS_LOCK, schema));
          if (!batch.keys().isEmpty()) {
            newKeyRows.insert(c, batch.keys(), batch.audit());
          }
          return null;
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>PostgreSQL keeps the replaced row versions until (auto)vacuum reclaims their space, and its
   * write-ahead log and base backups keep copies: a destroyed version's material (wrapped under the
   * master key) leaves the live rows at once, not those.
   */
  @Override
  public void updateKey(StoredKey key, long expectedRevision, StoredAuditEntry entry) {
    database.write(
        "update key '" + key.name() + "'",
        c -> {
          keys.replace(c, key, expectedRevision);
          audit.append(c, entry);
          commits.count(c);
          return null;
        });
  }

  @Override
  public void replaceAll(
      Map<String, Long> expectedRevisions,
      List<StoredKey> newKeys,
      List<StoredSlot> newSlots,
      String expectedSettings,
      String settings,
      StoredAuditEntry entry) {
    database.write(
        "rewrap the store",
        c -> {
          whole.rewrite(c, expectedRevisions, newKeys, newSlots, expectedSettings, settings);
          audit.append(c, entry);
          commits.count(c);
          return null;
        });
  }

  // ---------------------------------------------------------------- audit log, usage

  @Override
  public void appendAudit(StoredAuditEntry entry) {
    database.write(
        "append to the audit log",
        c -> {
          audit.append(c, entry);
          commits.count(c);
          return null;
        });
  }

  @Override
  public long lastAuditSequenceOf(List<String> actions) {
    return database.read("read the audit log", c -> audit.lastSequenceOf(c, actions));
  }

  @Override
  public long lastAuditSequenceOf(String keyName, List<String> actions) {
    return database.read(
        "read the audit log of key '" + keyName + "'",
        c -> audit.lastSequenceOf(c, keyName, actions));
  }

  @Override
  public Optional<StoredAuditEntry> lastAuditEntry() {
    return database.read("read the audit log", audit::last);
  }

  @Override
  public List<StoredAuditEntry> auditEntries(long from, int limit) {
    return database.snapshot("read the audit log", c -> audit.from(c, from, limit));
  }

  @Override
  public void addUsage(Map<String, Map<String, Long>> counts) {
    if (counts.isEmpty()) {
      return; // the engine calls this every refresh interval: no empty transaction each time
    }
    database.write(
        "record key usage",
        c -> {
          usage.add(c, counts);
          commits.count(c);
          return null;
        });
  }

  @Override
  public Map<String, Map<String, Long>> usage() {
    return database.read("read key usage", usage::read);
  }

  // ---------------------------------------------------------------- copies, backups

  @Override
  public StoreContents snapshot() {
    return database.snapshot("read a copy of the store", c -> whole.read(c, description()));
  }

  @Override
  public void load(StoreContents contents) {
    database.write(
        "load a copy of another store",
        c -> {
          whole.load(c, contents, description());
          commits.count(c);
          return null;
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Writes an SQLite store file (owner-only) from one snapshot of this store: the format every
   * built-in store's backups have, so {@code HsmClient.restoreBackup} restores it into an SQLite
   * store and {@code HsmClient.copyStore} copies it into PostgreSQL again.
   */
  @Override
  public void backupTo(Path target) {
    database.checkOpen();
    if (java.nio.file.Files.exists(target)) {
      throw new StoreException("backup target " + target + " exists already; choose a new file");
    }
    BackupFile.write(snapshot(), target, description());
  }

  // ---------------------------------------------------------------- changes, close

  @Override
  public long dataVersion() {
    return database.read("read the data version", commits::others);
  }

  /** Listens for other clients' commits on a connection of its own; see {@link ChangeListener}. */
  @Override
  public void watchChanges(Runnable onChange) {
    database.checkOpen();
    listener.add(onChange);
  }

  @Override
  public void close() {
    if (database.isClosed()) {
      return;
    }
    listener.close();
    try {
      database.writeOnce(
          "retire this client's commit count",
          c -> {
            commits.retire(c);
            return null;
          });
    } catch (StoreException e) {
      // unreachable now: its row stays, which only adds a constant to the others' sums
    } finally {
      database.close();
    }
  }

  @Override
  public String toString() {
    return "PostgresKeyRecordStore[" + description() + "]";
  }
}
