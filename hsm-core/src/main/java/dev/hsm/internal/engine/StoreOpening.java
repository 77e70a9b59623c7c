package dev.hsm.internal.engine;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.InvalidArgumentException;
import dev.hsm.StoreException;
import dev.hsm.internal.crypto.CryptoEngines;
import dev.hsm.internal.crypto.Randomness;
import dev.hsm.internal.protection.AuditChain;
import dev.hsm.internal.protection.KeyRecord;
import dev.hsm.internal.protection.MasterKey;
import dev.hsm.internal.protection.Secrets;
import dev.hsm.internal.protection.StoreSettings;
import dev.hsm.internal.protection.Unlocking;
import dev.hsm.internal.store.PrivateFiles;
import dev.hsm.internal.store.SqliteKeyRecordStore;
import dev.hsm.spi.ConcurrentUpdateException;
import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.StoredAuditEntry;
import dev.hsm.spi.StoredKey;
import dev.hsm.spi.StoredSlot;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Opening a store: read the unlock secret, open the store, initialise it (first use) or unlock its
 * master key from a slot, check the settings, open the custody, and hand all of it to a new {@link
 * Engine}. Also restoring a backup file.
 */
final class StoreOpening {
  private StoreOpening() {}

  static Engine open(HsmConfig config) {
    // Fails before any I/O if the native provider is REQUIRED but missing.
    CryptoEngines.select(config.nativeCrypto());
    Unlocking.Secret secret = Unlocking.read(config);
    KeyRecordStore store = config.store().open();
    byte[] masterKey = null;
    byte[] auditKey = null;
    MasterKey master = null;
    Unlocked unlocked = null;
    try {
      Optional<String> storeId = store.storeId();
      if (storeId.isEmpty()) {
        String newId = HexFormat.of().formatHex(Randomness.bytes(16));
        byte[] newMasterKey = Randomness.bytes(32);
        StoredSlot firstSlot = Unlocking.newSlot(newId, secret, newMasterKey, config.clock());
        String settings;
        try (MasterKey fresh = new MasterKey(newId, newMasterKey)) {
          settings = StoreSettings.fresh(fresh, firstSlot).seal(fresh);
        }
        if (store.initialize(newId, settings, firstSlot)) {
          storeId = Optional.of(newId);
          masterKey = newMasterKey;
        } else {
          Secrets.wipe(newMasterKey);
          storeId = store.storeId(); // another process initialised it first
        }
      }
      if (masterKey == null) {
        masterKey =
            Unlocking.unlock(
                storeId.orElseThrow(), store.unlockSlots(), secret, store.description());
      }
      master = new MasterKey(storeId.orElseThrow(), masterKey);
      StoreSettings settings = checkedSettings(store, master);
      auditKey = settings.auditKey(master);
      if (settings.rowFormat < StoreSettings.ROW_FORMAT) {
        upgradeRows(
            store, master, new AuditChain(store, master.storeId(), auditKey, config.clock()));
      }
      checkSlots(store, master);
      unlocked = Unlocked.open(master, config);
      return new Engine(store, unlocked, auditKey, config);
    } catch (RuntimeException e) {
      if (unlocked != null) {
        unlocked.close();
      } else if (master != null) {
        master.close();
      }
      store.close();
      throw e;
    } finally {
      Secrets.wipe(masterKey);
      Secrets.wipe(auditKey);
      secret.wipe();
    }
  }

  /**
   * The authenticated settings, refused if the audit log records a later settings change: a MAC
   * cannot tell current settings from ones put back from an older copy of the store, but the log
   * can (removing that entry from the log breaks its chain, which {@code verify()} reports).
   */
  static StoreSettings checkedSettings(KeyRecordStore store, MasterKey master) {
    StoreSettings settings = StoreSettings.open(store.settings().orElse(""), master);
    long lastChange = store.lastAuditSequenceOf(StoreSettings.CHANGING_ACTIONS);
    if (lastChange > settings.auditSequence) {
      throw new StoreException(
          "the store settings are older than audit entry "
              + lastChange
              + ", which changed them: they were put back from an older copy of the store");
    }
    return settings;
  }

  /**
   * Checks that the unlock slots are the ones the settings record: a slot removed by an admin and
   * put back by editing the store (with the passphrase it held) does not open it. Read again if
   * another process added or removed a slot between the two reads.
   *
   * @throws StoreException if they differ
   */
  private static void checkSlots(KeyRecordStore store, MasterKey master) {
    for (int read = 1; ; read++) {
      StoreSettings settings = checkedSettings(store, master);
      if (settings.recordsSlots(store.unlockSlots())) {
        return;
      }
      if (read == 3) {
        throw new StoreException(
            "the unlock slots of "
                + store.description()
                + " are not the ones its settings record: a slot was added, removed or put back"
                + " by editing the store");
      }
    }
  }

  /**
   * Rewrites a store made before key rows named the audit entry of their last change (row format 1)
   * in the current format, once, in one transaction with a {@code store.upgrade-rows} entry; the
   * settings record the unlock slots from then on. Another process may upgrade it first.
   */
  private static void upgradeRows(KeyRecordStore store, MasterKey master, AuditChain audit) {
    for (int attempt = 1; ; attempt++) {
      StoreSettings settings = checkedSettings(store, master);
      if (settings.rowFormat >= StoreSettings.ROW_FORMAT) {
        return; // upgraded by another process meanwhile
      }
      List<KeyRecord> records = new ArrayList<>();
      for (StoredKey stored : store.listKeys()) {
        records.add(master.openFormat1(stored));
      }
      List<StoredSlot> slots = store.unlockSlots();
      StoredAuditEntry entry =
          audit.next(
              AuditChain.APP,
              "store.upgrade-rows",
              null,
              0,
              AuditChain.OK,
              records.size() + " keys to row format " + StoreSettings.ROW_FORMAT);
      Map<String, Long> revisions = new LinkedHashMap<>();
      List<StoredKey> rows = new ArrayList<>();
      for (KeyRecord record : records) {
        revisions.put(record.name(), record.revision());
        rows.add(master.seal(record.writtenAs(record.revision(), entry.sequence())));
      }
      try {
        store.replaceAll(
            revisions,
            rows,
            slots,
            settings.stored(master),
            settings.upgraded(slots).withAuditSequence(entry.sequence()).seal(master),
            entry);
        return;
      } catch (ConcurrentUpdateException e) {
        if (attempt >= 100) {
          throw new StoreException(
              "gave up upgrading " + store.description() + ": it kept changing meanwhile", e);
        }
      }
    }
  }

  /** Copies a backup into place and opens it; see {@link HsmClient#restoreBackup}. */
  static Engine restoreBackup(Path backupFile, HsmConfig config) {
    Path target =
        config
            .sqliteFile()
            .orElseThrow(
                () ->
                    new StoreException(
                        "a backup file restores into an SQLite store, not into "
                            + config.store().description()));
    if (Files.exists(target)) {
      throw new StoreException(
          "cannot restore over " + target + ": it exists; move it away or choose another path");
    }
    if (!Files.isRegularFile(backupFile)) {
      throw new StoreException("backup " + backupFile + " is not a readable file");
    }
    Path staging = target.resolveSibling(target.getFileName() + ".restoring");
    try {
      // Owner-only like every store file: a plain copy would take the umask's permissions.
      Files.deleteIfExists(staging); // a leftover of an interrupted restore
      PrivateFiles.createOwnerOnly(staging);
      try (OutputStream out =
          Files.newOutputStream(staging, StandardOpenOption.TRUNCATE_EXISTING)) {
        Files.copy(backupFile, out);
      }
      SqliteKeyRecordStore.checkIntegrity(staging);
      boolean holdsAStore;
      try (KeyRecordStore copy = SqliteKeyRecordStore.open(staging)) {
        holdsAStore = copy.storeId().isPresent();
      }
      if (!holdsAStore) { // else open() below would initialise a new, empty store
        throw new StoreException("backup " + backupFile + " holds no key store (empty file?)");
      }
      open(HsmConfig.sqlite(staging)
              .unlockWith(
                  config
                      .unlockSecret()
                      .orElseThrow(
                          () -> new InvalidArgumentException("HsmConfig has no unlock secret"))))
          .close();
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new StoreException("cannot restore " + backupFile + " to " + target + ": " + e, e);
    } finally {
      deleteQuietly(staging);
      deleteQuietly(staging.resolveSibling(staging.getFileName() + "-wal"));
      deleteQuietly(staging.resolveSibling(staging.getFileName() + "-shm"));
    }
    return open(config);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a leftover staging file is harmless: it is encrypted like any store
    }
  }
}
