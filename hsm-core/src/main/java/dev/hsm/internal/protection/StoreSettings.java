package dev.hsm.internal.protection;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hsm.HsmException;
import dev.hsm.StoreException;
import dev.hsm.internal.crypto.Randomness;
import dev.hsm.spi.StoredSlot;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Store-wide settings kept in {@code store_meta}: the audit log's key (wrapped under the master
 * key), the admin credential's verifier if one is set, the format the key rows are in, and a digest
 * of the unlock slots. Stored as JSON with a MAC under the row MAC key, so removing the admin
 * credential, swapping the audit key or putting back a removed unlock slot by editing the store is
 * detected; putting back older settings is detected against the audit log ({@link #auditSequence}).
 * Immutable.
 */
public final class StoreSettings {
  /** The row format this library writes: key rows name the audit entry of their last change. */
  public static final int ROW_FORMAT = 2;

  /** The audit actions that write new settings, and so move {@link #auditSequence}. */
  public static final List<String> CHANGING_ACTIONS =
      List.of(
          "admin.set-credential",
          "store.rotate-master-key",
          "store.upgrade-rows",
          "slot.add",
          "slot.remove");

  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  public final byte[] wrappedAuditKey;

  /** Argon2id parameters, salt and verifier of the admin credential; all {@code null} if none. */
  public final String adminKdf;

  public final byte[] adminSalt;
  public final byte[] adminVerifier;

  /**
   * The audit entry written with these settings (0 for a new store). If the log holds a later
   * settings change, these settings were put back from an older state.
   */
  public final long auditSequence;

  /**
   * 1: key rows written before they named their audit entry (upgraded when the store opens); 2:
   * {@link #ROW_FORMAT}.
   */
  public final int rowFormat;

  /** {@link #slotDigest(List)} of the unlock slots, or {@code null} before row format 2. */
  public final byte[] slotDigest;

  /** The JSON these settings were read from, or {@code null} if made here. */
  private final String stored;

  private StoreSettings(
      byte[] wrappedAuditKey,
      String adminKdf,
      byte[] adminSalt,
      byte[] adminVerifier,
      long auditSequence,
      int rowFormat,
      byte[] slotDigest,
      String stored) {
    this.wrappedAuditKey = wrappedAuditKey;
    this.adminKdf = adminKdf;
    this.adminSalt = adminSalt;
    this.adminVerifier = adminVerifier;
    this.auditSequence = auditSequence;
    this.rowFormat = rowFormat;
    this.slotDigest = slotDigest;
    this.stored = stored;
  }

  /** Settings for a new store: a fresh random audit key, no admin credential, one slot. */
  public static StoreSettings fresh(MasterKey protection, StoredSlot firstSlot) {
    byte[] auditKey = Randomness.bytes(32);
    try {
      return new StoreSettings(
          protection.wrap(auditKey, auditKeyAad(protection)),
          null,
          null,
          null,
          0,
          ROW_FORMAT,
          slotDigest(List.of(firstSlot)),
          null);
    } finally {
      Secrets.wipe(auditKey);
    }
  }

  private static byte[] auditKeyAad(MasterKey protection) {
    return new Canonical("dev.hsm/v1/audit-key").add(protection.storeId()).toBytes();
  }

  /**
   * A digest of a set of unlock slots, whatever their ids and order: each slot's kind, parameters,
   * salt and wrapped master key, sorted by salt (random, so unique).
   */
  public static byte[] slotDigest(List<StoredSlot> slots) {
    List<StoredSlot> sorted = new ArrayList<>(slots);
    sorted.sort(Comparator.comparing(StoredSlot::salt, java.util.Arrays::compareUnsigned));
    Canonical all = new Canonical("dev.hsm/v1/unlock-slots").add(sorted.size());
    for (StoredSlot slot : sorted) {
      all.add(slot.kind()).add(slot.kdfParameters()).add(slot.salt()).add(slot.wrappedMasterKey());
    }
    try {
      return MessageDigest.getInstance("SHA-256").digest(all.toBytes());
    } catch (NoSuchAlgorithmException e) {
      throw new HsmException("SHA-256 is not available", e);
    }
  }

  /** Whether {@code slots} are the ones these settings record. */
  public boolean recordsSlots(List<StoredSlot> slots) {
    return slotDigest != null && MessageDigest.isEqual(slotDigest, slotDigest(slots));
  }

  public boolean hasAdmin() {
    return adminVerifier != null;
  }

  public byte[] auditKey(MasterKey protection) {
    return protection.unwrap(wrappedAuditKey, auditKeyAad(protection), "the audit log key");
  }

  /**
   * The JSON as stored, to name these settings as the expected current value of a write (a
   * compare-and-set on the exact text).
   */
  public String stored(MasterKey protection) {
    return stored != null ? stored : seal(protection);
  }

  public StoreSettings withAdmin(String kdf, byte[] salt, byte[] verifier) {
    return new StoreSettings(
        wrappedAuditKey, kdf, salt, verifier, auditSequence, rowFormat, slotDigest, null);
  }

  public StoreSettings withAuditSequence(long sequence) {
    return new StoreSettings(
        wrappedAuditKey, adminKdf, adminSalt, adminVerifier, sequence, rowFormat, slotDigest, null);
  }

  /** The same settings with rows in the current format and {@code slots} recorded. */
  public StoreSettings upgraded(List<StoredSlot> slots) {
    return withSlots(slots, ROW_FORMAT);
  }

  /** The same settings recording {@code slots} as the store's unlock slots. */
  public StoreSettings withSlots(List<StoredSlot> slots) {
    return withSlots(slots, rowFormat);
  }

  private StoreSettings withSlots(List<StoredSlot> slots, int format) {
    return new StoreSettings(
        wrappedAuditKey,
        adminKdf,
        adminSalt,
        adminVerifier,
        auditSequence,
        format,
        slotDigest(slots),
        null);
  }

  /** The same settings with the audit key rewrapped under another master key. */
  public StoreSettings rewrapped(MasterKey from, MasterKey to) {
    byte[] auditKey = auditKey(from);
    try {
      return new StoreSettings(
          to.wrap(auditKey, auditKeyAad(to)),
          adminKdf,
          adminSalt,
          adminVerifier,
          auditSequence,
          rowFormat,
          slotDigest,
          null);
    } finally {
      Secrets.wipe(auditKey);
    }
  }

  /** Format 2 (since row format 2) binds the row format and the slot digest too. */
  private byte[] macInput(MasterKey protection, boolean format2) {
    Canonical input =
        new Canonical(format2 ? "dev.hsm/v2/settings" : "dev.hsm/v1/settings")
            .add(protection.storeId())
            .add(wrappedAuditKey)
            .add(adminKdf)
            .add(adminSalt)
            .add(adminVerifier)
            .add(auditSequence);
    if (format2) {
      input.add(rowFormat).add(slotDigest);
    }
    return input.toBytes();
  }

  public String seal(MasterKey protection) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("format", 2);
    json.put("auditKey", B64.encodeToString(wrappedAuditKey));
    if (hasAdmin()) {
      json.put("adminKdf", adminKdf);
      json.put("adminSalt", B64.encodeToString(adminSalt));
      json.put("adminVerifier", B64.encodeToString(adminVerifier));
    }
    json.put("auditSequence", auditSequence);
    json.put("rowFormat", rowFormat);
    json.put("slotDigest", B64.encodeToString(slotDigest));
    json.put("mac", B64.encodeToString(protection.mac(macInput(protection, true))));
    return JSONObjectUtils.toJSONString(json);
  }

  /**
   * Reads and checks settings: format 2, or format 1 as stores wrote them before row format 2 (row
   * format 1, no slot digest), which the store upgrades when it opens.
   *
   * @throws StoreException if the settings are missing, unreadable or fail their MAC
   */
  public static StoreSettings open(String sealed, MasterKey protection) {
    StoreSettings settings;
    byte[] mac;
    boolean format2;
    try {
      Map<String, Object> json = JSONObjectUtils.parse(sealed);
      format2 = json.get("format") != null;
      if (format2 && ((Number) json.get("format")).intValue() != 2) {
        throw new IllegalArgumentException("unknown settings format");
      }
      String adminVerifier = (String) json.get("adminVerifier");
      settings =
          new StoreSettings(
              B64D.decode((String) json.get("auditKey")),
              (String) json.get("adminKdf"),
              adminVerifier == null ? null : B64D.decode((String) json.get("adminSalt")),
              adminVerifier == null ? null : B64D.decode(adminVerifier),
              ((Number) json.get("auditSequence")).longValue(),
              format2 ? ((Number) json.get("rowFormat")).intValue() : 1,
              format2 ? B64D.decode((String) json.get("slotDigest")) : null,
              sealed);
      mac = B64D.decode((String) json.get("mac"));
    } catch (java.text.ParseException | RuntimeException e) {
      throw new StoreException("the store settings are missing or unreadable (edited file?)");
    }
    if (!Secrets.constantTimeEquals(protection.mac(settings.macInput(protection, format2)), mac)) {
      throw new StoreException(
          "the store settings fail their integrity check: edited file, or the master key was"
              + " rotated by another process (reopen the store)");
    }
    return settings;
  }
}
