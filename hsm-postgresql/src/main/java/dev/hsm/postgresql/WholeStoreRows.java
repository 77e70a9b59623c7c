package dev.hsm.postgresql;

import dev.hsm.StoreException;
import dev.hsm.spi.ConcurrentUpdateException;
import dev.hsm.spi.StoreContents;
import dev.hsm.spi.StoredKey;
import dev.hsm.spi.StoredSlot;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What reads or writes the whole store at once, in the caller's transaction: a copy of it, loading
 * a copy into an empty store, and rewriting every key and unlock slot (a master key rotation).
 */
final class WholeStoreRows {
  private final String schema;
  private final MetaRows meta;
  private final SlotRows slots;
  private final KeyRows keys;
  private final AuditRows audit;
  private final UsageRows usage;

  WholeStoreRows(
      String schema,
      MetaRows meta,
      SlotRows slots,
      KeyRows keys,
      AuditRows audit,
      UsageRows usage) {
    this.schema = schema;
    this.meta = meta;
    this.slots = slots;
    this.keys = keys;
    this.audit = audit;
    this.usage = usage;
  }

  /** Everything in the store; run it in one snapshot. */
  StoreContents read(Connection c, String description) throws SQLException {
    String storeId = meta.read(c, MetaRows.STORE_ID);
    if (storeId == null) {
      throw new StoreException(description + " is empty: there is nothing to copy");
    }
    return new StoreContents(
        storeId,
        meta.read(c, MetaRows.SETTINGS),
        slots.readAll(c),
        slots.highestId(c),
        keys.readAll(c),
        audit.from(c, 0, Long.MAX_VALUE),
        usage.read(c));
  }

  /** Loads {@code contents} into this store, which must be empty. */
  void load(Connection c, StoreContents contents, String description) throws SQLException {
    try (Statement lock = c.createStatement()) {
      // A client initialising the store meanwhile waits, then finds it initialised.
      lock.execute(Schema.in(schema, "LOCK TABLE {s}.store_meta IN EXCLUSIVE MODE"));
    }
    if (!isEmpty(c)) {
      throw new StoreException("cannot load a copy into " + description + ": it is not empty");
    }
    meta.insert(c, MetaRows.STORE_ID, contents.storeId());
    meta.insert(c, MetaRows.SETTINGS, contents.settings());
    for (StoredSlot slot : contents.slots()) {
      slots.insert(c, slot);
    }
    slots.raiseHighestId(c, contents.highestSlotId());
    keys.insertAll(c, contents.keys());
    audit.appendAll(c, contents.audit());
    usage.add(c, contents.usage());
  }

  /**
   * Replaces every key and slot and the settings, if no key, slot or the settings changed since the
   * caller read them.
   *
   * @throws ConcurrentUpdateException if one did
   */
  void rewrite(
      Connection c,
      Map<String, Long> expectedRevisions,
      List<StoredKey> newKeys,
      List<StoredSlot> newSlots,
      String expectedSettings,
      String settings)
      throws SQLException {
    try (Statement lock = c.createStatement()) {
      // Nobody changes a key or slot between the checks below and the rewrite.
      lock.execute(
          Schema.in(
              schema,
              "LOCK TABLE {s}.hsm_key, {s}.key_version, {s}.unlock_slot IN EXCLUSIVE MODE"));
    }
    if (!keys.revisions(c).equals(expectedRevisions)) {
      throw new ConcurrentUpdateException("keys changed while the store was being rewrapped");
    }
    Set<Long> resealedIds = new HashSet<>();
    newSlots.forEach(slot -> resealedIds.add(slot.id()));
    if (!slots.ids(c).equals(resealedIds)) {
      throw new ConcurrentUpdateException(
          "unlock slots changed while the store was being rewrapped");
    }
    meta.replaceSettings(c, expectedSettings, settings);
    keys.deleteAll(c);
    slots.deleteAll(c);
    keys.insertAll(c, newKeys);
    for (StoredSlot slot : newSlots) {
      slots.insert(c, slot);
    }
  }

  private boolean isEmpty(Connection c) throws SQLException {
    try (Statement statement = c.createStatement();
        ResultSet rows =
            statement.executeQuery(
                Schema.in(
                    schema,
                    "SELECT NOT EXISTS (SELECT 1 FROM {s}.store_meta)"
                        + " AND NOT EXISTS (SELECT 1 FROM {s}.unlock_slot)"
                        + " AND NOT EXISTS (SELECT 1 FROM {s}.hsm_key)"
                        + " AND NOT EXISTS (SELECT 1 FROM {s}.audit_log)"
                        + " AND NOT EXISTS (SELECT 1 FROM {s}.key_usage)"))) {
      rows.next();
      return rows.getBoolean(1);
    }
  }
}
