package dev.hsm.internal.protection;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.KeyIntegrityException;
import dev.hsm.KeyMaterial;
import dev.hsm.KeyState;
import dev.hsm.Operation;
import dev.hsm.internal.crypto.Providers;
import dev.hsm.spi.StoredKey;
import dev.hsm.spi.StoredKeyVersion;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The store's unlocked master key and what it protects directly, with keys derived from it by
 * HKDF-SHA-256 (salt: the store id):
 *
 * <ul>
 *   <li>the <b>row MAC key</b> authenticates every column of the key and version rows (labels,
 *       states, primary version, policy, revision, public key, the custody's record too) and the
 *       store settings, and is checked before any column is trusted;
 *   <li>the <b>wrapping key</b> seals the store's own secrets (the audit key); software custody
 *       derives the same key to wrap key material ({@link #deriveKey}).
 * </ul>
 */
public final class MasterKey implements AutoCloseable {
  /** The HKDF purpose of the wrapping key; software custody derives it for key material. */
  public static final String WRAPPING_PURPOSE = "dev.hsm/v1/key-wrapping";

  private static final String ROW_MAC_PURPOSE = "dev.hsm/v1/row-mac";

  private final String storeId;
  private final byte[] masterKey;
  // Raw bytes rather than key objects, so that close() can wipe them (a SecretKeySpec cannot be).
  private final byte[] wrappingKey;
  private final byte[] rowMacKey;

  /** Takes a copy of {@code masterKey}; the caller wipes its own. */
  public MasterKey(String storeId, byte[] masterKey) {
    this.storeId = storeId;
    this.masterKey = masterKey.clone(); // kept to seal new unlock slots and derive custody keys
    this.wrappingKey = deriveKey(WRAPPING_PURPOSE);
    this.rowMacKey = deriveKey(ROW_MAC_PURPOSE);
  }

  public String storeId() {
    return storeId;
  }

  /** A copy of the master key, for sealing it into an unlock slot; wipe it after use. */
  public byte[] copy() {
    return masterKey.clone();
  }

  /** A 256-bit key derived for {@code purpose}; wipe it after use. */
  public byte[] deriveKey(String purpose) {
    return Secrets.hkdf(masterKey, storeId, purpose);
  }

  /** Seals a store-level secret (the audit key) under the wrapping key. */
  public byte[] wrap(byte[] secret, byte[] aad) {
    return AesGcm.seal(new SecretKeySpec(wrappingKey, "AES"), secret, aad);
  }

  /**
   * @throws KeyIntegrityException naming {@code what} if the sealed secret does not authenticate
   */
  public byte[] unwrap(byte[] wrapped, byte[] aad, String what) {
    try {
      return AesGcm.open(new SecretKeySpec(wrappingKey, "AES"), wrapped, aad);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyIntegrityException(
          what + ": wrapped key material fails its integrity check (edited, moved or corrupted)");
    }
  }

  /**
   * Wipes the master key and the keys derived from it, after a master key rotation and when the
   * client closes. (Copies inside JCA objects, such as an initialised {@code Mac}, cannot be wiped;
   * they are short-lived and left to the garbage collector.)
   */
  @Override
  public void close() {
    Secrets.wipe(masterKey);
    Secrets.wipe(wrappingKey);
    Secrets.wipe(rowMacKey);
  }

  // ---- key rows ----

  /** The rows to store for {@code key}, each with its MAC. */
  public StoredKey seal(KeyRecord key) {
    List<StoredKeyVersion> versions = new ArrayList<>(key.versions().size());
    for (KeyRecord.VersionRecord v : key.versions()) {
      StoredKeyVersion unsigned = stored(v, null);
      versions.add(stored(v, versionRowMac(key.name(), key.revision(), unsigned)));
    }
    StoredKey unsigned = stored(key, null, versions);
    return stored(key, keyRowMac(unsigned), versions);
  }

  private static StoredKeyVersion stored(KeyRecord.VersionRecord v, byte[] mac) {
    return new StoredKeyVersion(
        v.version(),
        v.state().name(),
        v.createdAtMillis(),
        v.destroyAtMillis(),
        v.publicKey(),
        v.material(),
        v.certificateChain(),
        mac);
  }

  private static StoredKey stored(KeyRecord key, byte[] mac, List<StoredKeyVersion> versions) {
    return new StoredKey(
        key.name(),
        key.algorithm().name(),
        key.rsaModulusBits(),
        operationsText(key.operations()),
        key.extractable(),
        key.imported(),
        key.form().name(),
        JSONObjectUtils.toJSONString(new TreeMap<String, Object>(key.labels())),
        key.primaryVersion(),
        key.createdAtMillis(),
        key.enabled(),
        key.rotationPeriodSeconds(),
        key.minDecryptionVersion(),
        key.revision(),
        key.auditSequence(),
        mac,
        versions);
  }

  /**
   * Checks every MAC of a stored key and parses it.
   *
   * @throws KeyIntegrityException naming the key (and version) whose row was changed
   */
  public KeyRecord open(StoredKey stored) {
    return open(stored, keyRowMac(stored));
  }

  /**
   * Checks and parses a key row written before rows named their audit entry (row format 1, without
   * the audit sequence in its MAC), for the one-time upgrade of such a store; never used otherwise,
   * so a current row cannot be passed off as an old one.
   */
  public KeyRecord openFormat1(StoredKey stored) {
    return open(stored, keyRowMacFormat1(stored));
  }

  private KeyRecord open(StoredKey stored, byte[] expectedMac) {
    if (!Secrets.constantTimeEquals(expectedMac, stored.rowMac())) {
      throw new KeyIntegrityException(
          "key '"
              + stored.name()
              + "': stored attributes or its set of versions fail their integrity check"
              + " (edited, added or removed row; or another process rotated the master key:"
              + " reopen the store)");
    }
    for (StoredKeyVersion version : stored.versions()) {
      if (!Secrets.constantTimeEquals(
          versionRowMac(stored.name(), stored.revision(), version), version.rowMac())) {
        throw new KeyIntegrityException(
            "key '"
                + stored.name()
                + "' version "
                + version.version()
                + ": stored row fails its integrity check (edited, added or from an older state)");
      }
    }
    try {
      Set<Operation> operations = EnumSet.noneOf(Operation.class);
      for (String operation : stored.operations().split(",")) {
        operations.add(Operation.valueOf(operation));
      }
      Map<String, String> labels = new TreeMap<>();
      JSONObjectUtils.parse(stored.labels()).forEach((k, v) -> labels.put(k, (String) v));
      List<KeyRecord.VersionRecord> versions = new ArrayList<>();
      for (StoredKeyVersion v : stored.versions()) {
        versions.add(
            new KeyRecord.VersionRecord(
                v.version(),
                KeyState.valueOf(v.state()),
                v.createdAtMillis(),
                v.destroyAtMillis(),
                v.publicKey(),
                v.material(),
                v.certificateChain()));
      }
      return new KeyRecord(
          stored.name(),
          Algorithm.valueOf(stored.algorithm()),
          stored.rsaModulusBits(),
          operations,
          stored.extractable(),
          stored.imported(),
          KeyMaterial.Form.valueOf(stored.materialForm()),
          labels,
          stored.primaryVersion(),
          stored.createdAtMillis(),
          stored.enabled(),
          stored.rotationPeriodSeconds(),
          stored.minDecryptionVersion(),
          stored.revision(),
          stored.auditSequence(),
          versions);
    } catch (java.text.ParseException | RuntimeException e) {
      throw new KeyIntegrityException(
          "key '" + stored.name() + "': stored attributes cannot be read by this library version");
    }
  }

  /** Row format 2: every column, including the audit entry that anchors the row to the log. */
  private byte[] keyRowMac(StoredKey key) {
    return mac(keyRowFields("dev.hsm/v2/key-row", key).add(key.auditSequence()).toBytes());
  }

  private byte[] keyRowMacFormat1(StoredKey key) {
    return mac(keyRowFields("dev.hsm/v1/key-row", key).toBytes());
  }

  private Canonical keyRowFields(String domain, StoredKey key) {
    return new Canonical(domain)
        .add(storeId)
        .add(key.name())
        .add(key.algorithm())
        .add(key.rsaModulusBits())
        .add(key.operations())
        .add(key.extractable())
        .add(key.imported())
        .add(key.materialForm())
        .add(key.labels())
        .add(key.primaryVersion())
        .add(key.createdAtMillis())
        .add(key.enabled())
        .add(key.rotationPeriodSeconds())
        .add(key.minDecryptionVersion())
        .add(key.revision())
        .add(versionNumbers(key));
  }

  /** The key row commits to its set of versions, so a deleted or added version row is caught. */
  private static String versionNumbers(StoredKey key) {
    return key.versions().stream()
        .map(v -> Integer.toString(v.version()))
        .collect(Collectors.joining(","));
  }

  /**
   * Binds a version row to its key's revision, so an old version row cannot be put back. A
   * certificate chain is one more field, present only when the version has one, so rows without one
   * keep the MAC they were written with.
   */
  private byte[] versionRowMac(String keyName, long keyRevision, StoredKeyVersion version) {
    Canonical fields =
        new Canonical("dev.hsm/v1/version-row")
            .add(storeId)
            .add(keyName)
            .add(keyRevision)
            .add(version.version())
            .add(version.state())
            .add(version.createdAtMillis())
            .add(version.destroyAtMillis())
            .add(version.publicKey())
            .add(version.material());
    if (version.certificateChain() != null) {
      fields.add(version.certificateChain());
    }
    return mac(fields.toBytes());
  }

  /** A MAC over {@code input} with the row MAC key; also used for the store settings. */
  public byte[] mac(byte[] input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256", Providers.SUN_JCE);
      mac.init(new SecretKeySpec(rowMacKey, "HmacSHA256"));
      return mac.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new HsmException("HMAC failed", e);
    }
  }

  /** The operations as the store keeps them: enum names in declaration order, comma-separated. */
  public static String operationsText(Set<Operation> operations) {
    return EnumSet.copyOf(operations).stream().map(Enum::name).collect(Collectors.joining(","));
  }
}
