package dev.hsm.internal.store;

import dev.hsm.StoreException;
import dev.hsm.spi.ConcurrentUpdateException;
import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.StoreContents;
import dev.hsm.spi.StoredAuditEntry;
import dev.hsm.spi.StoredKey;
import dev.hsm.spi.StoredSlot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sqlite.SQLiteConfig;

/**
 * The key store in one SQLite file: WAL journal (set when the store is created), {@code
 * synchronous=FULL} so a commit is on disk when the call returns, {@code BEGIN IMMEDIATE}
 * transactions and a busy timeout so several processes can share the file. The database is touched
 * only to open, create and change keys and load a key on first use, never per operation.
 *
 * <p>This class maps the SPI onto the parts that do the work:
 *
 * <ul>
 *   <li>{@link SqliteSchema}: tables, schema version and WAL, and refusing other databases;
 *   <li>{@link WriteConnection}: the one connection for writes, used under its lock, for the data
 *       version, and for what the engine reads just before each write (settings, the audit log's
 *       head), where its page cache is warm;
 *   <li>{@link ReadPool}: read-only connections for every other read, so that threads loading keys
 *       on first use read in parallel rather than queue behind a commit;
 *   <li>{@link KeyRows}, {@link SlotRows}, {@link AuditRows}, {@link UsageRows}, {@link MetaRows}:
 *       rows to records and back, on the connection (and in the transaction) the caller gives.
 * </ul>
 */
public final class SqliteKeyRecordStore implements KeyRecordStore {
  /** The schema this code writes; a store with a higher version is refused. */
  public static final int SCHEMA_VERSION = SqliteSchema.VERSION;

  private final Path path;
  private final WriteConnection writer;
  private final ReadPool readers;

  private SqliteKeyRecordStore(Path path, WriteConnection writer, ReadPool readers) {
    this.path = path;
    this.writer = writer;
    this.readers = readers;
  }

  /**
   * The factory {@code HsmConfig.sqlite(path)} sets: a client on the SQLite file at {@code path}.
   */
  public static KeyRecordStore.Factory factory(Path path) {
    return new KeyRecordStore.Factory() {
      @Override
      public KeyRecordStore open() {
        return SqliteKeyRecordStore.open(path);
      }

      @Override
      public String description() {
        return describe(path);
      }

      @Override
      public String toString() {
        return description();
      }
    };
  }

  /** How a store at {@code path} is named in messages. */
  public static String describe(Path path) {
    return "SQLite file " + path;
  }

  /** Opens (creating if needed) the SQLite file and its schema. */
  public static SqliteKeyRecordStore open(Path path) {
    WriteConnection writer = null;
    try {
      writer = WriteConnection.open(path);
      SqliteSchema.createOrCheck(writer, path);
      return new SqliteKeyRecordStore(path, writer, new ReadPool(path));
    } catch (SQLException e) {
      Sqlite.closeQuietly(writer);
      throw new StoreException(SqliteSchema.openFailure(path, e), e);
    } catch (RuntimeException e) {
      Sqlite.closeQuietly(writer); // a refused store must not stay open
      throw e;
    }
  }

  /**
   * Checks every page of the SQLite file at {@code path}, and every index against its table, with
   * SQLite's {@code integrity_check}: for a backup before it is restored. SQLite does not check a
   * page or an index as it reads it, so a damaged file would otherwise open and answer wrongly (a
   * key missing from its index is a key not found).
   *
   * @throws StoreException if the file is not a sound SQLite database
   */
  public static void checkIntegrity(Path path) {
    SQLiteConfig readOnly = new SQLiteConfig();
    readOnly.setReadOnly(true);
    try (Connection connection = readOnly.createConnection(Sqlite.url(path));
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("PRAGMA integrity_check(1)")) {
      String verdict = result.next() ? result.getString(1) : "no answer";
      if (!"ok".equals(verdict)) {
        throw new StoreException(path + " is damaged: SQLite's integrity check says " + verdict);
      }
    } catch (SQLException e) {
      throw new StoreException(SqliteSchema.openFailure(path, e), e);
    }
  }

  @Override
  public String description() {
    return describe(path);
  }

  // ---------------------------------------------------------------- store id, settings, slots

  @Override
  public Optional<String> storeId() {
    return readers.read(
        "read the store id", c -> Optional.ofNullable(MetaRows.read(c, MetaRows.STORE_ID)));
  }

  @Override
  public boolean initialize(String storeId, String settings, StoredSlot firstSlot) {
    return writer.write(
        "initialise the store",
        c -> {
          if (MetaRows.read(c, MetaRows.STORE_ID) != null) {
            return false;
          }
          MetaRows.insert(c, MetaRows.STORE_ID, storeId);
          MetaRows.insert(c, MetaRows.SETTINGS, settings);
          SlotRows.insert(c, firstSlot);
          return true;
        });
  }

  @Override
  public Optional<String> settings() {
    // On the write connection: the engine reads them just before each write.
    return writer.read(
        "read the store settings", c -> Optional.ofNullable(MetaRows.read(c, MetaRows.SETTINGS)));
  }

  @Override
  public void updateSettings(String expected, String settings, StoredAuditEntry audit) {
    writer.write(
        "update the store settings",
        c -> {
          MetaRows.replaceSettings(c, expected, settings);
          AuditRows.append(c, audit);
          return null;
        });
  }

  @Override
  public List<StoredSlot> unlockSlots() {
    return readers.read("read unlock slots", SlotRows::readAll);
  }

  @Override
  public long addSlot(
      StoredSlot slot, String expectedSettings, String settings, StoredAuditEntry audit) {
    return writer.write(
        "add an unlock slot",
        c -> {
          long id = SlotRows.insert(c, slot);
          MetaRows.replaceSettings(c, expectedSettings, settings);
          AuditRows.append(c, audit);
          return id;
        });
  }

  @Override
  public boolean removeSlot(
      long id, String expectedSettings, String settings, StoredAuditEntry audit) {
    return writer.write(
        "remove unlock slot " + id,
        c -> {
          boolean removed = SlotRows.delete(c, id);
          if (removed) {
            MetaRows.replaceSettings(c, expectedSettings, settings);
            AuditRows.append(c, audit);
          }
          return removed;
        });
  }

  // ---------------------------------------------------------------- keys

  @Override
  public Optional<StoredKey> findKey(String name) {
    return readers.readPooled(
        "read key '" + name + "'",
        reader -> KeyRows.read(reader.findKeyStatement(), name).stream().findFirst());
  }

  @Override
  public List<StoredKey> listKeys() {
    return readers.read("list keys", KeyRows::readAll);
  }

  @Override
  public List<String> keysWithDueChanges(long nowMillis) {
    return readers.read("find due changes", c -> KeyRows.dueChanges(c, nowMillis));
  }

  @Override
  public void insertKeys(List<StoredKey> keys, List<StoredAuditEntry> audit) {
    if (keys.size() != audit.size()) {
      throw new IllegalArgumentException(
          keys.size() + " keys but " + audit.size() + " audit entries");
    }
    writer.write(
        keys.size() == 1
            ? "store key '" + keys.get(0).name() + "'"
            : "store " + keys.size() + " keys",
        c -> {
          for (int i = 0; i < keys.size(); i++) {
            KeyRows.insertNew(c, keys.get(i));
            AuditRows.append(c, audit.get(i));
          }
          return null;
        });
  }

  @Override
  public void updateKey(StoredKey key, long expectedRevision, StoredAuditEntry audit) {
    boolean destroyedMaterial =
        writer.write(
            "update key '" + key.name() + "'",
            c -> {
              boolean dropped = KeyRows.replace(c, key, expectedRevision);
              AuditRows.append(c, audit);
              return dropped;
            });
    if (destroyedMaterial) {
      writer.checkpoint(); // the old page images holding it leave the -wal file too
    }
  }

  @Override
  public void replaceAll(
      Map<String, Long> expectedRevisions,
      List<StoredKey> keys,
      List<StoredSlot> slots,
      String expectedSettings,
      String settings,
      StoredAuditEntry audit) {
    writer.write(
        "rewrap the store",
        c -> {
          if (!KeyRows.revisions(c).equals(expectedRevisions)) {
            throw new ConcurrentUpdateException("keys changed while the store was being rewrapped");
          }
          Set<Long> resealedIds = new HashSet<>();
          slots.forEach(slot -> resealedIds.add(slot.id()));
          if (!SlotRows.ids(c).equals(resealedIds)) {
            throw new ConcurrentUpdateException(
                "unlock slots changed while the store was being rewrapped");
          }
          MetaRows.replaceSettings(c, expectedSettings, settings);
          KeyRows.deleteAll(c);
          SlotRows.deleteAll(c);
          for (StoredKey key : keys) {
            KeyRows.insert(c, key);
          }
          for (StoredSlot slot : slots) {
            SlotRows.insert(c, slot);
          }
          AuditRows.append(c, audit);
          return null;
        });
    writer.checkpoint(); // material wrapped under the old master key leaves the -wal file
  }

  // ---------------------------------------------------------------- audit log, usage

  @Override
  public void appendAudit(StoredAuditEntry entry) {
    writer.write(
        "append to the audit log",
        c -> {
          AuditRows.append(c, entry);
          return null;
        });
  }

  @Override
  public long lastAuditSequenceOf(List<String> actions) {
    return writer.read("read the audit log", c -> AuditRows.lastSequenceOf(c, actions));
  }

  @Override
  public long lastAuditSequenceOf(String keyName, List<String> actions) {
    return readers.read(
        "read the audit log of key '" + keyName + "'",
        c -> AuditRows.lastSequenceOf(c, keyName, actions));
  }

  @Override
  public Optional<StoredAuditEntry> lastAuditEntry() {
    return writer.read("read the audit log", AuditRows::last);
  }

  @Override
  public List<StoredAuditEntry> auditEntries(long from, int limit) {
    return readers.read("read the audit log", c -> AuditRows.from(c, from, limit));
  }

  @Override
  public void addUsage(Map<String, Map<String, Long>> counts) {
    if (counts.isEmpty()) {
      return; // the engine calls this every refresh interval: no empty transaction each time
    }
    writer.write(
        "record key usage",
        c -> {
          UsageRows.add(c, counts);
          return null;
        });
  }

  @Override
  public Map<String, Map<String, Long>> usage() {
    return readers.read("read key usage", UsageRows::read);
  }

  // ---------------------------------------------------------------- copies of the whole store

  @Override
  public StoreContents snapshot() {
    // One read transaction on a read connection: a WAL snapshot, as consistent as a backup's.
    return readers.read(
        "read a copy of the store",
        c -> {
          c.setAutoCommit(false);
          try {
            String storeId = MetaRows.read(c, MetaRows.STORE_ID);
            if (storeId == null) {
              throw new StoreException(describe(path) + " is empty: there is nothing to copy");
            }
            List<StoredSlot> slots = SlotRows.readAll(c);
            return new StoreContents(
                storeId,
                MetaRows.read(c, MetaRows.SETTINGS),
                slots,
                SlotRows.highestId(c),
                KeyRows.readAll(c),
                AuditRows.from(c, 0, Integer.MAX_VALUE),
                UsageRows.read(c));
          } finally {
            c.rollback();
            c.setAutoCommit(true);
          }
        });
  }

  @Override
  public void load(StoreContents contents) {
    writer.write(
        "load a copy of another store",
        c -> {
          if (MetaRows.read(c, MetaRows.STORE_ID) != null || !isEmpty(c)) {
            throw new StoreException(
                "cannot load a copy into " + describe(path) + ": it is not empty");
          }
          MetaRows.insert(c, MetaRows.STORE_ID, contents.storeId());
          MetaRows.insert(c, MetaRows.SETTINGS, contents.settings());
          for (StoredSlot slot : contents.slots()) {
            SlotRows.insert(c, slot);
          }
          SlotRows.raiseHighestId(c, contents.highestSlotId());
          for (StoredKey key : contents.keys()) {
            KeyRows.insert(c, key);
          }
          for (StoredAuditEntry entry : contents.audit()) {
            AuditRows.append(c, entry);
          }
          UsageRows.add(c, contents.usage());
          return null;
        });
  }

  /** Whether the store holds no slot, key, audit entry or usage counter. */
  private static boolean isEmpty(Connection c) throws SQLException {
    try (Statement statement = c.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT (SELECT count(*) FROM unlock_slot) + (SELECT count(*) FROM hsm_key)"
                    + " + (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM key_usage)")) {
      return rows.next() && rows.getLong(1) == 0;
    }
  }

  // ---------------------------------------------------------------- backup, data version, close

  @Override
  public void backupTo(Path target) {
    writer.read(
        "back up to " + target,
        c -> {
          // Owner-only, created empty first (VACUUM INTO accepts an empty file): the backup
          // holds the passphrase slot, so it must not be world-readable like a umask default.
          if (!createBackupFile(target)) {
            throw new StoreException(
                "backup target " + target + " exists already; choose a new file");
          }
          // A consistent snapshot from one read transaction, while other connections keep writing.
          try (PreparedStatement vacuum = c.prepareStatement("VACUUM INTO ?")) {
            vacuum.setString(1, target.toAbsolutePath().toString());
            vacuum.executeUpdate();
          } catch (SQLException | RuntimeException e) {
            deleteQuietly(target, e);
            throw e;
          }
          return null;
        });
  }

  private static boolean createBackupFile(Path target) {
    try {
      return PrivateFiles.createOwnerOnly(target);
    } catch (IOException | RuntimeException e) {
      throw new StoreException("cannot create backup file " + target + ": " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path file, Exception cause) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public long dataVersion() {
    return writer.dataVersion();
  }

  @Override
  public void close() {
    readers.close(); // a reader in use now is closed when it is given back
    writer.close(); // last, so that closing the file's last connection checkpoints the WAL
  }
}
