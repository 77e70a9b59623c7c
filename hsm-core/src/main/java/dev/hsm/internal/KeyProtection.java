package dev.hsm.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hsm.Algorithm;
import dev.hsm.KeyIntegrityException;
import dev.hsm.KeyMaterial;
import dev.hsm.KeyState;
import dev.hsm.Operation;
import dev.hsm.internal.crypto.Providers;
import dev.hsm.internal.crypto.Randomness;
import dev.hsm.spi.StoredKey;
import dev.hsm.spi.StoredKeyVersion;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * How key material and key rows are protected at rest, with two keys derived from the store's
 * master key by HKDF-SHA-256 (salt: the store id):
 *
 * <ul>
 *   <li>the <b>wrapping key</b> encrypts each version's material with AES-256-GCM and a random
 *       nonce; the associated data binds store id, key name, version, algorithm, modulus size,
 *       operations, extractable, imported and material form, so material moved to another key or
 *       store, or whose key's attributes were changed, does not decrypt;
 *   <li>the <b>row MAC key</b> authenticates every column of the key and version rows (labels,
 *       states, primary version, policy, revision, public key too) and the store settings, and is
 *       checked before any column is trusted.
 * </ul>
 */
final class KeyProtection {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final String storeId;
  private final byte[] masterKey;
  private final SecretKeySpec wrappingKey;
  private final SecretKeySpec rowMacKey;

  KeyProtection(String storeId, byte[] masterKey) {
    this.storeId = storeId;
    this.masterKey = masterKey.clone(); // kept to seal new unlock slots
    this.wrappingKey =
        new SecretKeySpec(hkdf(masterKey, storeId, "dev.hsm/v1/key-wrapping"), "AES");
    this.rowMacKey =
        new SecretKeySpec(hkdf(masterKey, storeId, "dev.hsm/v1/row-mac"), "HmacSHA256");
  }

  String storeId() {
    return storeId;
  }

  /** A copy of the master key, for sealing it into a new unlock slot; wipe it after use. */
  byte[] masterKey() {
    return masterKey.clone();
  }

  /** HKDF-SHA-256 of {@code secret}, 32 bytes, for the given purpose. */
  static byte[] hkdf(byte[] secret, String salt, String info) {
    return hkdf(secret, salt.getBytes(StandardCharsets.UTF_8), info);
  }

  /** HKDF-SHA-256 of {@code secret}, 32 bytes, for the given purpose. */
  static byte[] hkdf(byte[] secret, byte[] salt, String info) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(secret, salt, info.getBytes(StandardCharsets.UTF_8)));
    byte[] out = new byte[32];
    hkdf.generateBytes(out, 0, out.length);
    return out;
  }

  // ---- key material ----

  /** The associated data that ties a version's wrapped material to its key's fixed attributes. */
  byte[] materialAad(KeyRecord key, int version) {
    return new Canonical("dev.hsm/v1/key-material")
        .add(storeId)
        .add(key.name())
        .add(version)
        .add(key.algorithm().name())
        .add(key.rsaModulusBits())
        .add(operationsText(key.operations()))
        .add(key.extractable())
        .add(key.imported())
        .add(key.form().name())
        .toBytes();
  }

  byte[] wrap(byte[] material, byte[] aad) {
    return seal(wrappingKey, material, aad);
  }

  /**
   * @throws KeyIntegrityException if the wrapped material does not authenticate
   */
  byte[] unwrap(byte[] wrapped, byte[] aad, String what) {
    try {
      return open(wrappingKey, wrapped, aad);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyIntegrityException(
          what + ": wrapped key material fails its integrity check (edited, moved or corrupted)");
    }
  }

  /** AES-256-GCM: random nonce, then ciphertext and tag. */
  static byte[] seal(SecretKeySpec key, byte[] plaintext, byte[] aad) {
    byte[] nonce = Randomness.bytes(NONCE_BYTES);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", Providers.SUN_JCE);
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad);
      byte[] out = new byte[NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      cipher.doFinal(plaintext, 0, plaintext.length, out, NONCE_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM wrapping failed", e);
    }
  }

  /** Reverses {@link #seal}; throws if the input is short or does not authenticate. */
  static byte[] open(SecretKeySpec key, byte[] sealed, byte[] aad) throws GeneralSecurityException {
    if (sealed == null || sealed.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new GeneralSecurityException("sealed value is missing or too short");
    }
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", Providers.SUN_JCE);
    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
    cipher.updateAAD(aad);
    return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
  }

  // ---- key rows ----

  /** The rows to store for {@code key}, each with its MAC. */
  StoredKey seal(KeyRecord key) {
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
        v.wrappedMaterial(),
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
        mac,
        versions);
  }

  /**
   * Checks every MAC of a stored key and parses it.
   *
   * @throws KeyIntegrityException naming the key (and version) whose row was changed
   */
  KeyRecord open(StoredKey stored) {
    if (!constantTimeEquals(keyRowMac(stored), stored.rowMac())) {
      throw new KeyIntegrityException(
          "key '"
              + stored.name()
              + "': stored attributes or its set of versions fail their integrity check"
              + " (edited, added or removed row; or another process rotated the master key:"
              + " reopen the store)");
    }
    for (StoredKeyVersion version : stored.versions()) {
      if (!constantTimeEquals(
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
                v.material()));
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
          versions);
    } catch (java.text.ParseException | RuntimeException e) {
      throw new KeyIntegrityException(
          "key '" + stored.name() + "': stored attributes cannot be read by this library version");
    }
  }

  private byte[] keyRowMac(StoredKey key) {
    return mac(
        new Canonical("dev.hsm/v1/key-row")
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
            .add(versionNumbers(key))
            .toBytes());
  }

  /** The key row commits to its set of versions, so a deleted or added version row is caught. */
  private static String versionNumbers(StoredKey key) {
    return key.versions().stream()
        .map(v -> Integer.toString(v.version()))
        .collect(Collectors.joining(","));
  }

  /** Binds a version row to its key's revision, so an old version row cannot be put back. */
  private byte[] versionRowMac(String keyName, long keyRevision, StoredKeyVersion version) {
    return mac(
        new Canonical("dev.hsm/v1/version-row")
            .add(storeId)
            .add(keyName)
            .add(keyRevision)
            .add(version.version())
            .add(version.state())
            .add(version.createdAtMillis())
            .add(version.destroyAtMillis())
            .add(version.publicKey())
            .add(version.material())
            .toBytes());
  }

  /** A MAC over {@code input} with the row MAC key; also used for the store settings. */
  byte[] mac(byte[] input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256", Providers.SUN_JCE);
      mac.init(rowMacKey);
      return mac.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC failed", e);
    }
  }

  static boolean constantTimeEquals(byte[] expected, byte[] actual) {
    return actual != null && MessageDigest.isEqual(expected, actual);
  }

  static String operationsText(Set<Operation> operations) {
    return EnumSet.copyOf(operations).stream().map(Enum::name).collect(Collectors.joining(","));
  }

  /** Overwrites a secret byte array; used for transient copies of keys. */
  static void wipe(byte[] secret) {
    if (secret != null) {
      Arrays.fill(secret, (byte) 0);
    }
  }
}
