package dev.hsm.internal.protection;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hsm.StoreException;
import dev.hsm.internal.crypto.Randomness;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Store-wide settings kept in {@code store_meta}: the audit log's key (wrapped under the master
 * key) and the admin credential's verifier, if one is set. Stored as JSON with a MAC under the row
 * MAC key, so removing the admin credential or swapping the audit key by editing the file is
 * detected. Immutable.
 */
public final class StoreSettings {
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

  private StoreSettings(
      byte[] wrappedAuditKey,
      String adminKdf,
      byte[] adminSalt,
      byte[] adminVerifier,
      long auditSequence) {
    this.wrappedAuditKey = wrappedAuditKey;
    this.adminKdf = adminKdf;
    this.adminSalt = adminSalt;
    this.adminVerifier = adminVerifier;
    this.auditSequence = auditSequence;
  }

  /** The audit actions that write new settings, and so move {@link #auditSequence}. */
  public static final java.util.List<String> CHANGING_ACTIONS =
      java.util.List.of("admin.set-credential", "store.rotate-master-key");

  /** Settings for a new store: a fresh random audit key, no admin credential. */
  public static StoreSettings fresh(MasterKey protection) {
    byte[] auditKey = Randomness.bytes(32);
    try {
      return new StoreSettings(
          protection.wrap(auditKey, auditKeyAad(protection)), null, null, null, 0);
    } finally {
      Secrets.wipe(auditKey);
    }
  }

  private static byte[] auditKeyAad(MasterKey protection) {
    return new Canonical("dev.hsm/v1/audit-key").add(protection.storeId()).toBytes();
  }

  public boolean hasAdmin() {
    return adminVerifier != null;
  }

  public byte[] auditKey(MasterKey protection) {
    return protection.unwrap(wrappedAuditKey, auditKeyAad(protection), "the audit log key");
  }

  public StoreSettings withAdmin(String kdf, byte[] salt, byte[] verifier) {
    return new StoreSettings(wrappedAuditKey, kdf, salt, verifier, auditSequence);
  }

  public StoreSettings withAuditSequence(long sequence) {
    return new StoreSettings(wrappedAuditKey, adminKdf, adminSalt, adminVerifier, sequence);
  }

  /** The same settings with the audit key rewrapped under another master key. */
  public StoreSettings rewrapped(MasterKey from, MasterKey to) {
    byte[] auditKey = auditKey(from);
    try {
      return new StoreSettings(
          to.wrap(auditKey, auditKeyAad(to)), adminKdf, adminSalt, adminVerifier, auditSequence);
    } finally {
      Secrets.wipe(auditKey);
    }
  }

  private byte[] macInput(MasterKey protection) {
    return new Canonical("dev.hsm/v1/settings")
        .add(protection.storeId())
        .add(wrappedAuditKey)
        .add(adminKdf)
        .add(adminSalt)
        .add(adminVerifier)
        .add(auditSequence)
        .toBytes();
  }

  public String seal(MasterKey protection) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("auditKey", B64.encodeToString(wrappedAuditKey));
    if (hasAdmin()) {
      json.put("adminKdf", adminKdf);
      json.put("adminSalt", B64.encodeToString(adminSalt));
      json.put("adminVerifier", B64.encodeToString(adminVerifier));
    }
    json.put("auditSequence", auditSequence);
    json.put("mac", B64.encodeToString(protection.mac(macInput(protection))));
    return JSONObjectUtils.toJSONString(json);
  }

  /**
   * @throws StoreException if the settings are missing, unreadable or fail their MAC
   */
  public static StoreSettings open(String sealed, MasterKey protection) {
    StoreSettings settings;
    byte[] mac;
    try {
      Map<String, Object> json = JSONObjectUtils.parse(sealed);
      String adminVerifier = (String) json.get("adminVerifier");
      settings =
          new StoreSettings(
              B64D.decode((String) json.get("auditKey")),
              (String) json.get("adminKdf"),
              adminVerifier == null ? null : B64D.decode((String) json.get("adminSalt")),
              adminVerifier == null ? null : B64D.decode(adminVerifier),
              ((Number) json.get("auditSequence")).longValue());
      mac = B64D.decode((String) json.get("mac"));
    } catch (java.text.ParseException | RuntimeException e) {
      throw new StoreException("the store settings are missing or unreadable (edited file?)");
    }
    if (!Secrets.constantTimeEquals(protection.mac(settings.macInput(protection)), mac)) {
      throw new StoreException(
          "the store settings fail their integrity check: edited file, or the master key was"
              + " rotated by another process (reopen the store)");
    }
    return settings;
  }
}
