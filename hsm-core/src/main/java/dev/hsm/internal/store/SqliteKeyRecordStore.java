package dev.hsm.internal.store;

import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.StoreException;
import dev.hsm.spi.ConcurrentUpdateException;
import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.StoredAuditEntry;
import dev.hsm.spi.StoredKey;
import dev.hsm.spi.StoredKeyVersion;
import dev.hsm.spi.StoredSlot;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The key store in one SQLite file: WAL journal (set when the store is created), {@code
 * synchronous=FULL} so a commit is on disk when the call returns, {@code BEGIN IMMEDIATE}
 * transactions and a busy timeout so several processes can share the file. The database is touched
 * only to open, create and change keys and load a key on first use, never per operation.
 *
 * <p>Connections: one <b>write connection</b>, used under this object's lock, for every write
 * transaction and for {@code PRAGMA data_version} (which counts other connections' commits, so it
 * must be read on the connection that makes ours), and for the settings and the audit log's head,
 * which the engine reads just before each write. Other reads take a <b>read connection</b> from a
 * small pool, so that threads loading keys on first use read in parallel (WAL lets readers run
 * beside each other and beside the writer) rather than queue on the write connection.
 */
public final class SqliteKeyRecordStore implements KeyRecordStore {
  /** The schema this code writes; a store with a higher version is refused. */
  public static final int SCHEMA_VERSION = 1;

  private static final int BUSY_TIMEOUT_MILLIS = 30_000;

  /** Idle read connections kept open; more are opened when needed and closed when returned. */
  private static final int MAX_IDLE_READERS = 4;

  private static final String[] SCHEMA = {
    "CREATE TABLE store_meta (" + " name TEXT PRIMARY KEY," + " value TEXT NOT NULL)",
    "CREATE TABLE unlock_slot ("
        + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
        + " kind TEXT NOT NULL,"
        + " kdf_params TEXT NOT NULL,"
        + " salt BLOB NOT NULL,"
        + " wrapped_master_key BLOB NOT NULL,"
        + " created_at INTEGER NOT NULL)",
    "CREATE TABLE hsm_key ("
        + " name TEXT PRIMARY KEY,"
        + " algorithm TEXT NOT NULL,"
        + " rsa_modulus_bits INTEGER NOT NULL,"
        + " operations TEXT NOT NULL,"
        + " extractable INTEGER NOT NULL,"
        + " imported INTEGER NOT NULL,"
        + " material_form TEXT NOT NULL,"
        + " labels TEXT NOT NULL,"
        + " primary_version INTEGER NOT NULL,"
        + " created_at INTEGER NOT NULL,"
        + " enabled INTEGER NOT NULL,"
        + " rotation_period_seconds INTEGER NOT NULL,"
        + " min_decryption_version INTEGER NOT NULL,"
        + " revision INTEGER NOT NULL,"
        + " row_mac BLOB NOT NULL)",
    "CREATE TABLE key_version ("
        + " key_name TEXT NOT NULL,"
        + " version INTEGER NOT NULL,"
        + " state TEXT NOT NULL,"
        + " created_at INTEGER NOT NULL,"
        + " destroy_at INTEGER NOT NULL,"
        + " public_key BLOB,"
        + " wrapped_material BLOB,"
        + " row_mac BLOB NOT NULL,"
        + " PRIMARY KEY (key_name, version))",
    "CREATE TABLE audit_log ("
        + " seq INTEGER PRIMARY KEY,"
        + " at INTEGER NOT NULL,"
        + " actor TEXT NOT NULL,"
        + " action TEXT NOT NULL,"
        + " key_name TEXT,"
        + " version INTEGER NOT NULL,"
        + " outcome TEXT NOT NULL,"
        + " detail TEXT NOT NULL,"
        + " hash BLOB NOT NULL,"
        + " mac BLOB NOT NULL)",
    // Finds the last settings change without reading the whole log (checked on every write).
    "CREATE INDEX audit_log_action ON audit_log (action, seq)",
    "CREATE TABLE key_usage ("
        + " key_name TEXT NOT NULL,"
        + " operation TEXT NOT NULL,"
        + " count INTEGER NOT NULL,"
        + " PRIMARY KEY (key_name, operation))"
  };

  private final Path path;
  private final Connection connection;
  private final SQLiteConfig readerConfig;
  private final Deque<PooledReader> idleReaders = new ArrayDeque<>(); // guarded by itself
  private boolean closed; // guarded by idleReaders

  private SqliteKeyRecordStore(Path path, Connection connection, SQLiteConfig readerConfig) {
    this.path = path;
    this.connection = connection;
    this.readerConfig = readerConfig;
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

  @Override
  public String description() {
    return describe(path);
  }

  /** Opens (creating if needed) the SQLite file and its schema. */
  public static SqliteKeyRecordStore open(Path path) {
    createPrivateFile(path);
    SQLiteConfig config = new SQLiteConfig();
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    SQLiteConfig readerConfig = new SQLiteConfig();
    readerConfig.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    readerConfig.setReadOnly(true); // a read connection can never write, by construction
    Connection connection = null;
    try {
      connection = config.createConnection(url(path));
      SqliteKeyRecordStore backend = new SqliteKeyRecordStore(path, connection, readerConfig);
      backend.createSchema();
      return backend;
    } catch (SQLException e) {
      closeQuietly(connection);
      throw new StoreException(describe(path, e), e);
    } catch (RuntimeException e) {
      closeQuietly(connection); // a refused store must not stay open
      throw e;
    }
  }

  private static String url(Path path) {
    return "jdbc:sqlite:" + path.toAbsolutePath();
  }

  /** A new store file is created readable by its owner only, where the file system allows. */
  private static void createPrivateFile(Path path) {
    if (Files.exists(path)) {
      return;
    }
    try {
      if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(
            path,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
    } catch (FileAlreadyExistsException raced) {
      // another process created it first: fine
    } catch (IOException e) {
      throw new StoreException("cannot create key store file " + path + ": " + e.getMessage(), e);
    }
  }

  private static String describe(Path path, SQLException e) {
    if (e instanceof SQLiteException
        && ((SQLiteException) e).getResultCode() == SQLiteErrorCode.SQLITE_NOTADB) {
      return path + " is not a key store (not an SQLite database)";
    }
    return "cannot open key store " + path + ": " + e.getMessage();
  }

  /**
   * Creates the schema in an empty database, or checks the version of an existing store. Writes
   * nothing to an existing store, and nothing at all to a database that is not a key store.
   */
  private void createSchema() throws SQLException {
    if (hasTable("store_meta")) {
      checkSchemaVersion();
      return;
    }
    if (hasAnyTable() && !hasTable("store_meta")) { // another opener may have just made it
      // Never add our tables to someone else's database.
      throw new StoreException(
          path + " is an SQLite database but not a key store (it has no store_meta table)");
    }
    enableWal();
    inTransaction(
        () -> {
          if (hasTable("store_meta")) {
            return null; // another process created it while we waited for the lock
          }
          try (Statement statement = connection.createStatement()) {
            for (String ddl : SCHEMA) {
              statement.execute(ddl);
            }
          }
          if (readMeta(connection, "schema_version") == null) {
            writeMeta("schema_version", Integer.toString(SCHEMA_VERSION));
          }
          return null;
        });
    checkSchemaVersion();
  }

  /**
   * Switches a new database to WAL. While another connection also has the new file open, SQLite
   * refuses the switch with SQLITE_BUSY at once, without waiting for the busy timeout (waiting for
   * the exclusive lock while holding a shared one could deadlock), so wait here instead.
   */
  private void enableWal() throws SQLException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUSY_TIMEOUT_MILLIS);
    while (true) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA journal_mode=WAL"); // persistent; cannot change in a transaction
        return;
      } catch (SQLiteException e) {
        if (e.getResultCode().code % 256 != SQLiteErrorCode.SQLITE_BUSY.code
            || System.nanoTime() > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("interrupted while creating key store " + path, e);
      }
    }
  }

  private void checkSchemaVersion() throws SQLException {
    String version = readMeta(connection, "schema_version");
    int number;
    try {
      number = Integer.parseInt(String.valueOf(version));
    } catch (NumberFormatException e) {
      throw new StoreException(path + " has no readable schema version ('" + version + "')");
    }
    if (number > SCHEMA_VERSION) {
      throw new StoreException(
          path
              + " has schema version "
              + number
              + ", newer than this library's "
              + SCHEMA_VERSION
              + "; upgrade the library");
    }
  }

  private boolean hasTable(String name) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
      query.setString(1, name);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next();
      }
    }
  }

  private boolean hasAnyTable() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1")) {
      return rows.next();
    }
  }

  @Override
  public Optional<String> storeId() {
    return read("read the store id", reader -> Optional.ofNullable(readMeta(reader, "store_id")));
  }

  @Override
  public synchronized boolean initialize(String storeId, String settings, StoredSlot firstSlot) {
    try {
      return inTransaction(
          () -> {
            if (readMeta(connection, "store_id") != null) {
              return false;
            }
            writeMeta("store_id", storeId);
            writeMeta("settings", settings);
            insertSlot(firstSlot);
            return true;
          });
    } catch (SQLException e) {
      throw failure("initialise the store", e);
    }
  }

  @Override
  public synchronized Optional<String> settings() {
    // On the write connection, like the audit log's head below: the engine reads them under its
    // write lock just before each write, and only the write connection's page cache survives our
    // own commits (a read connection's is dropped whenever another connection has committed).
    try {
      return Optional.ofNullable(readMeta(connection, "settings"));
    } catch (SQLException e) {
      throw failure("read the store settings", e);
    }
  }

  @Override
  public synchronized void updateSettings(
      String expected, String settings, StoredAuditEntry audit) {
    write(
        "update the store settings",
        () -> {
          replaceSettings(expected, settings);
          appendAuditEntry(audit);
        });
  }

  private void replaceSettings(String expected, String settings) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE store_meta SET value = ? WHERE name = 'settings' AND value = ?")) {
      update.setString(1, settings);
      update.setString(2, expected);
      if (update.executeUpdate() != 1) {
        throw new ConcurrentUpdateException("the store settings changed meanwhile");
      }
    }
  }

  private void insertSlot(StoredSlot slot) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO unlock_slot (kind, kdf_params, salt, wrapped_master_key, created_at, id)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, slot.kind());
      insert.setString(2, slot.kdfParameters());
      insert.setBytes(3, slot.salt());
      insert.setBytes(4, slot.wrappedMasterKey());
      insert.setLong(5, slot.createdAtMillis());
      // A resealed slot (master key rotation) keeps its id; a new one (id 0) gets the next.
      if (slot.id() > 0) {
        insert.setLong(6, slot.id());
      } else {
        insert.setNull(6, java.sql.Types.INTEGER);
      }
      insert.executeUpdate();
    }
  }

  @Override
  public List<StoredSlot> unlockSlots() {
    return read(
        "read unlock slots",
        reader -> {
          try (PreparedStatement query =
                  reader.prepareStatement(
                      "SELECT id, kind, kdf_params, salt, wrapped_master_key, created_at"
                          + " FROM unlock_slot ORDER BY id");
              ResultSet rows = query.executeQuery()) {
            List<StoredSlot> slots = new ArrayList<>();
            while (rows.next()) {
              slots.add(
                  new StoredSlot(
                      rows.getLong(1),
                      rows.getString(2),
                      rows.getString(3),
                      rows.getBytes(4),
                      rows.getBytes(5),
                      rows.getLong(6)));
            }
            return slots;
          }
        });
  }

  @Override
  public synchronized void addSlot(StoredSlot slot, StoredAuditEntry audit) {
    write(
        "add an unlock slot",
        () -> {
          insertSlot(slot);
          appendAuditEntry(audit);
        });
  }

  @Override
  public synchronized boolean removeSlot(long id, StoredAuditEntry audit) {
    boolean[] removed = {false};
    write(
        "remove unlock slot " + id,
        () -> {
          try (PreparedStatement delete =
              connection.prepareStatement("DELETE FROM unlock_slot WHERE id = ?")) {
            delete.setLong(1, id);
            removed[0] = delete.executeUpdate() == 1;
          }
          if (removed[0]) {
            appendAuditEntry(audit);
          }
        });
    return removed[0];
  }

  @Override
  public Optional<StoredKey> findKey(String name) {
    return readPooled(
        "read key '" + name + "'",
        reader -> {
          List<StoredKey> keys = readKeys(reader.findKeyStatement(), name);
          return keys.isEmpty() ? Optional.empty() : Optional.of(keys.get(0));
        });
  }

  @Override
  public List<StoredKey> listKeys() {
    return read(
        "list keys",
        reader -> {
          try (PreparedStatement query = reader.prepareStatement(keysQuery(false))) {
            return readKeys(query, null);
          }
        });
  }

  @Override
  public List<String> keysWithDueChanges(long nowMillis) {
    return read("find due changes", reader -> dueChanges(reader, nowMillis));
  }

  private static List<String> dueChanges(Connection reader, long nowMillis) throws SQLException {
    try (PreparedStatement query =
        reader.prepareStatement(
            "SELECT k.name FROM hsm_key k JOIN key_version v"
                + " ON v.key_name = k.name AND v.version = k.primary_version"
                + " WHERE k.rotation_period_seconds > 0"
                + " AND v.created_at + k.rotation_period_seconds * 1000 <= ?"
                + " UNION SELECT key_name FROM key_version"
                + " WHERE state = 'SCHEDULED_FOR_DESTRUCTION' AND destroy_at <= ?")) {
      query.setLong(1, nowMillis);
      query.setLong(2, nowMillis);
      List<String> names = new ArrayList<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          names.add(rows.getString(1));
        }
      }
      return names;
    }
  }

  /** Keys and their versions, for one name or (with {@code null}) all, in one read. */
  /** The query for one key's rows (its name the only parameter), or every key's. */
  private static String keysQuery(boolean oneKey) {
    String where = oneKey ? " WHERE k.name = ?" : "";
    return "SELECT k.name, k.algorithm, k.rsa_modulus_bits, k.operations, k.extractable,"
        + " k.imported, k.material_form, k.labels, k.primary_version, k.created_at,"
        + " k.enabled, k.rotation_period_seconds, k.min_decryption_version, k.revision,"
        + " k.row_mac, v.version, v.state, v.created_at, v.destroy_at, v.public_key,"
        + " v.wrapped_material, v.row_mac"
        + " FROM hsm_key k LEFT JOIN key_version v ON v.key_name = k.name"
        + where
        + " ORDER BY k.name, v.version";
  }

  /**
   * Keys and their versions from {@link #keysQuery}, for one name or (with {@code null}) all, in
   * one read. The statement stays open: the caller owns it.
   */
  private static List<StoredKey> readKeys(PreparedStatement query, String onlyName)
      throws SQLException {
    Map<String, StoredKey> keys = new LinkedHashMap<>();
    Map<String, List<StoredKeyVersion>> versions = new LinkedHashMap<>();
    if (onlyName != null) {
      query.setString(1, onlyName);
    }
    try (ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        String name = rows.getString(1);
        if (!keys.containsKey(name)) {
          keys.put(
              name,
              new StoredKey(
                  name,
                  rows.getString(2),
                  rows.getInt(3),
                  rows.getString(4),
                  rows.getBoolean(5),
                  rows.getBoolean(6),
                  rows.getString(7),
                  rows.getString(8),
                  rows.getInt(9),
                  rows.getLong(10),
                  rows.getBoolean(11),
                  rows.getLong(12),
                  rows.getInt(13),
                  rows.getLong(14),
                  rows.getBytes(15),
                  List.of()));
          versions.put(name, new ArrayList<>());
        }
        int version = rows.getInt(16);
        if (!rows.wasNull()) {
          versions
              .get(name)
              .add(
                  new StoredKeyVersion(
                      version,
                      rows.getString(17),
                      rows.getLong(18),
                      rows.getLong(19),
                      rows.getBytes(20),
                      rows.getBytes(21),
                      rows.getBytes(22)));
        }
      }
    }
    List<StoredKey> result = new ArrayList<>(keys.size());
    for (StoredKey key : keys.values()) {
      result.add(withVersions(key, versions.get(key.name())));
    }
    return result;
  }

  private static StoredKey withVersions(StoredKey key, List<StoredKeyVersion> versions) {
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
        key.rowMac(),
        versions);
  }

  @Override
  public synchronized void insertKeys(List<StoredKey> keys, List<StoredAuditEntry> audit) {
    if (keys.size() != audit.size()) {
      throw new IllegalArgumentException(
          keys.size() + " keys but " + audit.size() + " audit entries");
    }
    try {
      inTransaction(
          () -> {
            for (int i = 0; i < keys.size(); i++) {
              insertNewKeyRows(keys.get(i));
              appendAuditEntry(audit.get(i));
            }
            return null;
          });
    } catch (SQLException e) {
      throw failure(
          keys.size() == 1
              ? "store key '" + keys.get(0).name() + "'"
              : "store " + keys.size() + " keys",
          e);
    }
  }

  /** A new key's rows; a taken name throws (and so rolls back the whole transaction). */
  private void insertNewKeyRows(StoredKey key) throws SQLException {
    try {
      insertKeyRows(key);
    } catch (SQLException e) {
      if (isConstraint(e) && keyExists(key.name())) {
        throw new KeyAlreadyExistsException("key '" + key.name() + "' already exists", e);
      }
      throw e;
    }
  }

  private boolean keyExists(String name) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement("SELECT 1 FROM hsm_key WHERE name = ?")) {
      query.setString(1, name);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next();
      }
    }
  }

  private void insertKeyRows(StoredKey key) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO hsm_key (name, algorithm, rsa_modulus_bits, operations, extractable,"
                + " imported, material_form, labels, primary_version, created_at, enabled,"
                + " rotation_period_seconds, min_decryption_version, revision, row_mac)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, key.name());
      insert.setString(2, key.algorithm());
      insert.setInt(3, key.rsaModulusBits());
      insert.setString(4, key.operations());
      insert.setBoolean(5, key.extractable());
      insert.setBoolean(6, key.imported());
      insert.setString(7, key.materialForm());
      insert.setString(8, key.labels());
      insert.setInt(9, key.primaryVersion());
      insert.setLong(10, key.createdAtMillis());
      insert.setBoolean(11, key.enabled());
      insert.setLong(12, key.rotationPeriodSeconds());
      insert.setInt(13, key.minDecryptionVersion());
      insert.setLong(14, key.revision());
      insert.setBytes(15, key.rowMac());
      insert.executeUpdate();
    }
    for (StoredKeyVersion version : key.versions()) {
      insertVersion(key.name(), version);
    }
  }

  private void insertVersion(String keyName, StoredKeyVersion version) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO key_version (key_name, version, state, created_at, destroy_at,"
                + " public_key, wrapped_material, row_mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, keyName);
      insert.setInt(2, version.version());
      insert.setString(3, version.state());
      insert.setLong(4, version.createdAtMillis());
      insert.setLong(5, version.destroyAtMillis());
      insert.setBytes(6, version.publicKey());
      insert.setBytes(7, version.material());
      insert.setBytes(8, version.rowMac());
      insert.executeUpdate();
    }
  }

  @Override
  public synchronized void updateKey(StoredKey key, long expectedRevision, StoredAuditEntry audit) {
    write(
        "update key '" + key.name() + "'",
        () -> {
          replaceKeyRows(key, expectedRevision);
          appendAuditEntry(audit);
        });
  }

  private void replaceKeyRows(StoredKey key, long expectedRevision) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM hsm_key WHERE name = ? AND revision = ?")) {
      delete.setString(1, key.name());
      delete.setLong(2, expectedRevision);
      if (delete.executeUpdate() != 1) {
        throw new ConcurrentUpdateException(
            "key '" + key.name() + "' changed meanwhile (or was removed)");
      }
    }
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM key_version WHERE key_name = ?")) {
      delete.setString(1, key.name());
      delete.executeUpdate();
    }
    insertKeyRows(key);
  }

  @Override
  public synchronized void replaceAll(
      Map<String, Long> expectedRevisions,
      List<StoredKey> keys,
      List<StoredSlot> slots,
      String expectedSettings,
      String settings,
      StoredAuditEntry audit) {
    write(
        "rewrap the store",
        () -> {
          Map<String, Long> revisions = new LinkedHashMap<>();
          try (Statement statement = connection.createStatement();
              ResultSet rows = statement.executeQuery("SELECT name, revision FROM hsm_key")) {
            while (rows.next()) {
              revisions.put(rows.getString(1), rows.getLong(2));
            }
          }
          if (!revisions.equals(expectedRevisions)) {
            throw new ConcurrentUpdateException("keys changed while the store was being rewrapped");
          }
          java.util.Set<Long> slotIds = new java.util.HashSet<>();
          try (Statement statement = connection.createStatement();
              ResultSet rows = statement.executeQuery("SELECT id FROM unlock_slot")) {
            while (rows.next()) {
              slotIds.add(rows.getLong(1));
            }
          }
          java.util.Set<Long> resealedIds = new java.util.HashSet<>();
          slots.forEach(slot -> resealedIds.add(slot.id()));
          if (!slotIds.equals(resealedIds)) {
            throw new ConcurrentUpdateException(
                "unlock slots changed while the store was being rewrapped");
          }
          replaceSettings(expectedSettings, settings);
          try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM key_version");
            statement.executeUpdate("DELETE FROM hsm_key");
            statement.executeUpdate("DELETE FROM unlock_slot");
          }
          for (StoredKey key : keys) {
            insertKeyRows(key);
          }
          for (StoredSlot slot : slots) {
            insertSlot(slot);
          }
          appendAuditEntry(audit);
        });
  }

  @Override
  public synchronized void appendAudit(StoredAuditEntry entry) {
    write("append to the audit log", () -> appendAuditEntry(entry));
  }

  private void appendAuditEntry(StoredAuditEntry entry) throws SQLException {
    if (entry == null) {
      return;
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO audit_log (seq, at, actor, action, key_name, version, outcome, detail,"
                + " hash, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setLong(1, entry.sequence());
      insert.setLong(2, entry.atMillis());
      insert.setString(3, entry.actor());
      insert.setString(4, entry.action());
      insert.setString(5, entry.keyName());
      insert.setInt(6, entry.version());
      insert.setString(7, entry.outcome());
      insert.setString(8, entry.detail());
      insert.setBytes(9, entry.hash());
      insert.setBytes(10, entry.mac());
      insert.executeUpdate();
    } catch (SQLException e) {
      if (isConstraint(e)) {
        throw new ConcurrentUpdateException("audit entry " + entry.sequence() + " exists already");
      }
      throw e;
    }
  }

  @Override
  public synchronized long lastAuditSequenceOf(List<String> actions) {
    String marks = String.join(", ", java.util.Collections.nCopies(actions.size(), "?"));
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT coalesce(max(seq), 0) FROM audit_log WHERE action IN (" + marks + ")")) {
      for (int i = 0; i < actions.size(); i++) {
        query.setString(i + 1, actions.get(i));
      }
      try (ResultSet rows = query.executeQuery()) {
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw failure("read the audit log", e);
    }
  }

  @Override
  public synchronized Optional<StoredAuditEntry> lastAuditEntry() {
    try {
      List<StoredAuditEntry> last =
          readAudit(
              connection, "SELECT * FROM (" + AUDIT_COLUMNS + " ORDER BY seq DESC LIMIT 1)", 0, 1);
      return last.isEmpty() ? Optional.empty() : Optional.of(last.get(0));
    } catch (SQLException e) {
      throw failure("read the audit log", e);
    }
  }

  @Override
  public List<StoredAuditEntry> auditEntries(long from, int limit) {
    return readAudit(AUDIT_COLUMNS + " WHERE seq >= ? ORDER BY seq LIMIT ?", from, limit);
  }

  private static final String AUDIT_COLUMNS =
      "SELECT seq, at, actor, action, key_name, version, outcome, detail, hash, mac FROM audit_log";

  private List<StoredAuditEntry> readAudit(String sql, long from, int limit) {
    return read("read the audit log", reader -> readAudit(reader, sql, from, limit));
  }

  private static List<StoredAuditEntry> readAudit(
      Connection reader, String sql, long from, int limit) throws SQLException {
    try (PreparedStatement query = reader.prepareStatement(sql)) {
      if (sql.contains("?")) {
        query.setLong(1, from);
        query.setInt(2, limit);
      }
      List<StoredAuditEntry> entries = new ArrayList<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          entries.add(
              new StoredAuditEntry(
                  rows.getLong(1),
                  rows.getLong(2),
                  rows.getString(3),
                  rows.getString(4),
                  rows.getString(5),
                  rows.getInt(6),
                  rows.getString(7),
                  rows.getString(8),
                  rows.getBytes(9),
                  rows.getBytes(10)));
        }
      }
      return entries;
    }
  }

  @Override
  public synchronized void addUsage(Map<String, Map<String, Long>> counts) {
    if (counts.isEmpty()) {
      return;
    }
    write(
        "record key usage",
        () -> {
          try (PreparedStatement upsert =
              connection.prepareStatement(
                  "INSERT INTO key_usage (key_name, operation, count) VALUES (?, ?, ?)"
                      + " ON CONFLICT (key_name, operation) DO UPDATE SET count = count + excluded.count")) {
            for (Map.Entry<String, Map<String, Long>> key : counts.entrySet()) {
              for (Map.Entry<String, Long> operation : key.getValue().entrySet()) {
                upsert.setString(1, key.getKey());
                upsert.setString(2, operation.getKey());
                upsert.setLong(3, operation.getValue());
                upsert.addBatch();
              }
            }
            upsert.executeBatch();
          }
        });
  }

  @Override
  public Map<String, Map<String, Long>> usage() {
    return read(
        "read key usage",
        reader -> {
          try (Statement statement = reader.createStatement();
              ResultSet rows =
                  statement.executeQuery(
                      "SELECT key_name, operation, count FROM key_usage"
                          + " ORDER BY key_name, operation")) {
            Map<String, Map<String, Long>> usage = new LinkedHashMap<>();
            while (rows.next()) {
              usage
                  .computeIfAbsent(rows.getString(1), k -> new LinkedHashMap<>())
                  .put(rows.getString(2), rows.getLong(3));
            }
            return usage;
          }
        });
  }

  @Override
  public synchronized void backupTo(Path target) {
    if (Files.exists(target)) {
      throw new StoreException("backup target " + target + " exists already; choose a new file");
    }
    try (PreparedStatement vacuum = connection.prepareStatement("VACUUM INTO ?")) {
      // A consistent snapshot from one read transaction, while other connections keep writing.
      vacuum.setString(1, target.toAbsolutePath().toString());
      vacuum.executeUpdate();
    } catch (SQLException e) {
      throw failure("back up to " + target, e);
    }
  }

  @Override
  public synchronized long dataVersion() {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("PRAGMA data_version")) {
      return rows.getLong(1);
    } catch (SQLException e) {
      throw failure("read the data version", e);
    }
  }

  private static boolean isConstraint(SQLException e) {
    return e instanceof SQLiteException
        && ((SQLiteException) e).getResultCode().code % 256
            == SQLiteErrorCode.SQLITE_CONSTRAINT.code;
  }

  /** A write that may throw {@link SQLException}. */
  private interface Write {
    void run() throws SQLException;
  }

  private void write(String what, Write write) {
    try {
      inTransaction(
          () -> {
            write.run();
            return null;
          });
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private static String readMeta(Connection on, String name) throws SQLException {
    try (PreparedStatement query =
        on.prepareStatement("SELECT value FROM store_meta WHERE name = ?")) {
      query.setString(1, name);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }

  private void writeMeta(String name, String value) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement("INSERT INTO store_meta (name, value) VALUES (?, ?)")) {
      insert.setString(1, name);
      insert.setString(2, value);
      insert.executeUpdate();
    }
  }

  /** A read on a read connection, which may throw {@link SQLException}. */
  private interface Read<T> {
    T run(Connection reader) throws SQLException;
  }

  /** A read that also uses the pooled connection's prepared statements. */
  private interface PooledRead<T> {
    T run(PooledReader reader) throws SQLException;
  }

  /**
   * A read-only connection and the statement loading one key, prepared once per connection:
   * preparing it took a good part of a first use (a cache miss).
   */
  private static final class PooledReader {
    final Connection connection;
    private PreparedStatement findKey;

    PooledReader(Connection connection) {
      this.connection = connection;
    }

    PreparedStatement findKeyStatement() throws SQLException {
      if (findKey == null) {
        findKey = connection.prepareStatement(keysQuery(true));
      }
      return findKey;
    }

    void close() {
      if (findKey != null) {
        try {
          findKey.close();
        } catch (SQLException ignored) {
          // closing the connection below releases it too
        }
      }
      closeQuietly(connection);
    }
  }

  /** Runs a read outside any transaction on a pooled read connection (not under this lock). */
  private <T> T read(String what, Read<T> read) {
    return readPooled(what, reader -> read.run(reader.connection));
  }

  private <T> T readPooled(String what, PooledRead<T> read) {
    PooledReader reader;
    try {
      reader = borrowReader();
    } catch (SQLException e) {
      throw failure(what, e);
    }
    try {
      return read.run(reader);
    } catch (SQLException e) {
      throw failure(what, e);
    } finally {
      returnReader(reader);
    }
  }

  private PooledReader borrowReader() throws SQLException {
    synchronized (idleReaders) {
      if (closed) {
        throw new SQLException("the key store is closed");
      }
      PooledReader idle = idleReaders.pollFirst();
      if (idle != null) {
        return idle;
      }
    }
    return new PooledReader(readerConfig.createConnection(url(path))); // all are busy: one more
  }

  private void returnReader(PooledReader reader) {
    synchronized (idleReaders) {
      if (!closed && idleReaders.size() < MAX_IDLE_READERS) {
        idleReaders.addFirst(reader);
        return;
      }
    }
    reader.close();
  }

  /** A unit of work that may throw {@link SQLException}. */
  private interface Work<T> {
    T run() throws SQLException;
  }

  /** Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction, committed or rolled back. */
  private <T> T inTransaction(Work<T> work) throws SQLException {
    connection.setAutoCommit(false);
    try {
      T result = work.run();
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private StoreException failure(String what, SQLException e) {
    return new StoreException(
        "cannot " + what + " in key store " + path + ": " + e.getMessage(), e);
  }

  @Override
  public synchronized void close() {
    List<PooledReader> readers;
    synchronized (idleReaders) {
      closed = true; // a reader in use now is closed when it is returned
      readers = new ArrayList<>(idleReaders);
      idleReaders.clear();
    }
    readers.forEach(PooledReader::close);
    closeQuietly(connection); // last, so that it checkpoints the WAL into the file
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing is best effort; nothing to recover
    }
  }
}
