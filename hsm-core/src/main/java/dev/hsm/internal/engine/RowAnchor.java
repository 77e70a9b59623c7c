package dev.hsm.internal.engine;

import dev.hsm.KeyIntegrityException;
import dev.hsm.internal.protection.KeyRecord;
import dev.hsm.internal.protection.MasterKey;
import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.StoredKey;
import java.util.List;
import java.util.Optional;

/**
 * Anchors every key's rows to the audit log, so that rows put back from an older copy of the store
 * (a backup is enough), or deleted, are refused. Row MACs cannot tell: an old row carries a valid
 * MAC. But every change to a key writes, in the same transaction, an audit entry naming the key,
 * and the row records that entry's sequence number under its MAC ({@link KeyRecord#auditSequence}).
 * A row is current only if the newest change the log records for its key is the one it names (or a
 * store-wide rewrite newer than every change of the key, which names itself in every row). A key
 * the log says was created must have rows.
 *
 * <p>What is not caught here: entries removed from or edited in the log (its chain breaks, which
 * {@code AuditLog.verify()} reports), and a rollback of the whole store together with its log's
 * newest entries (documented in the README).
 */
final class RowAnchor {
  /** The acts that change one key's rows; each writes an entry naming the key. */
  static final List<String> KEY_CHANGES =
      List.of(
          "key.create",
          "key.import",
          "key.import-exported",
          "key.rotate",
          "key.disable",
          "key.enable",
          "key.disable-version",
          "key.enable-version",
          "key.schedule-destruction",
          "key.cancel-destruction",
          "key.destroy",
          "key.set-min-decryption-version",
          "key.set-rotation-period",
          "key.attach-certificate");

  /** The acts that rewrite every key's rows, naming themselves in every row. */
  static final List<String> STORE_REWRITES =
      List.of("store.rotate-master-key", "store.upgrade-rows");

  /** The acts that create a key. */
  private static final List<String> CREATIONS =
      List.of("key.create", "key.import", "key.import-exported");

  /** A change committed between the row's read and the log's is seen by reading again. */
  private static final int READS = 3;

  private final KeyRecordStore store;

  /**
   * The newest store-wide rewrite. Read at open and moved by this client's own rewrites; another
   * client's rewrite changes the master key, so this client cannot read any row until it reopens.
   */
  private volatile long lastStoreRewrite;

  RowAnchor(KeyRecordStore store) {
    this.store = store;
    this.lastStoreRewrite = store.lastAuditSequenceOf(STORE_REWRITES);
  }

  /** After this client rewrote every row under the entry {@code sequence}. */
  void rewroteAll(long sequence) {
    lastStoreRewrite = sequence;
  }

  /**
   * Checks, before a key named {@code name} is made, that the log records no earlier key of that
   * name: if it does and its rows are gone, they were deleted, and a new key must not take their
   * place unnoticed.
   *
   * <p>A key that exists is left to the store's insert, which refuses a taken name.
   *
   * @throws KeyIntegrityException if the log records the key but the store has no rows for it
   */
  void checkNew(String name) {
    long created = store.lastAuditSequenceOf(name, CREATIONS);
    if (created > 0 && store.findKey(name).isEmpty()) {
      throw missingRows(name, created);
    }
  }

  private static KeyIntegrityException missingRows(String name, long created) {
    return new KeyIntegrityException(
        "key '"
            + name
            + "' was created (audit entry "
            + created
            + ") but the store has no rows for it: they were deleted, or put back from an"
            + " older copy of the store");
  }

  /**
   * The key's current, checked record, or empty if the store has no key of that name and never had
   * one.
   *
   * @throws KeyIntegrityException if its rows fail their MACs, are older than the key's last change
   *     in the log, or are missing though the log records the key's creation
   */
  Optional<KeyRecord> read(String name, MasterKey master) {
    for (int read = 1; ; read++) {
      Optional<StoredKey> stored = store.findKey(name);
      if (stored.isEmpty()) {
        long created = store.lastAuditSequenceOf(name, CREATIONS);
        if (created == 0) {
          return Optional.empty();
        }
        if (read < READS) {
          continue; // created between our two reads? look again
        }
        throw missingRows(name, created);
      }
      KeyRecord record = master.open(stored.get());
      long lastChange = Math.max(store.lastAuditSequenceOf(name, KEY_CHANGES), lastStoreRewrite);
      if (record.auditSequence() == lastChange) {
        return Optional.of(record);
      }
      if (record.auditSequence() < lastChange && read < READS) {
        continue; // changed between our two reads? look again
      }
      throw new KeyIntegrityException(
          "key '"
              + name
              + "': its rows were written by audit entry "
              + record.auditSequence()
              + ", but the log's last change to it is entry "
              + lastChange
              + ": the rows were put back from an older copy of the store (or the log was cut)");
    }
  }
}
