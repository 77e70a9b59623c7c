package dev.hsm.internal;

import dev.hsm.KeyIntegrityException;
import dev.hsm.spi.StoredKey;
import dev.hsm.spi.StoredKeyVersion;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import dev.hsm.internal.crypto.Randomness;
import dev.hsm.internal.crypto.Providers;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * How key material is protected at rest, with two keys derived from the store's master key by
 * HKDF-SHA-256 (salt: the store id):
 *
 * <ul>
 *   <li>the <b>wrapping key</b> encrypts each version's material with AES-256-GCM and a random
 *       nonce; the associated data binds store id, key name, version, algorithm, modulus size,
 *       operations, extractable, imported and material form, so a row moved to another key or
 *       store, or with a changed attribute, does not decrypt;
 *   <li>the <b>row MAC key</b> authenticates every column of the key and version rows (labels,
 *       primary version, state, public key too), checked before any column is trusted.
 * </ul>
 */
final class KeyProtection {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final String storeId;
  private final SecretKeySpec wrappingKey;
  private final SecretKeySpec rowMacKey;

  KeyProtection(String storeId, byte[] masterKey) {
    this.storeId = storeId;
    this.wrappingKey = new SecretKeySpec(hkdf(masterKey, storeId, "dev.hsm/v1/key-wrapping"), "AES");
    this.rowMacKey = new SecretKeySpec(hkdf(masterKey, storeId, "dev.hsm/v1/row-mac"), "HmacSHA256");
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

  /** The associated data that ties a version's wrapped material to its key's attributes. */
  byte[] materialAad(StoredKey key, int version) {
    return new Canonical("dev.hsm/v1/key-material")
        .add(storeId)
        .add(key.name())
        .add(version)
        .add(key.algorithm())
        .add(key.rsaModulusBits())
        .add(key.operations())
        .add(key.extractable())
        .add(key.imported())
        .add(key.materialForm())
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

  byte[] keyRowMac(StoredKey key) {
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
            .toBytes());
  }

  byte[] versionRowMac(String keyName, StoredKeyVersion version) {
    return mac(
        new Canonical("dev.hsm/v1/version-row")
            .add(storeId)
            .add(keyName)
            .add(version.version())
            .add(version.state())
            .add(version.createdAtMillis())
            .add(version.publicKey())
            .add(version.wrappedMaterial())
            .toBytes());
  }

  /**
   * Checks the MACs of a key row and all its version rows.
   *
   * @throws KeyIntegrityException naming the key (and version) whose row was changed
   */
  void verifyRows(StoredKey key) {
    if (!constantTimeEquals(keyRowMac(key), key.rowMac())) {
      throw new KeyIntegrityException(
          "key '" + key.name() + "': stored attributes fail their integrity check (edited row)");
    }
    for (StoredKeyVersion version : key.versions()) {
      if (!constantTimeEquals(versionRowMac(key.name(), version), version.rowMac())) {
        throw new KeyIntegrityException(
            "key '"
                + key.name()
                + "' version "
                + version.version()
                + ": stored row fails its integrity check (edited row)");
      }
    }
  }

  private byte[] mac(byte[] input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256", Providers.SUN_JCE);
      mac.init(rowMacKey);
      return mac.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC failed", e);
    }
  }

  private static boolean constantTimeEquals(byte[] expected, byte[] actual) {
    return actual != null && MessageDigest.isEqual(expected, actual);
  }

  /** Overwrites a secret byte array; used for transient master key copies. */
  static void wipe(byte[] secret) {
    if (secret != null) {
      Arrays.fill(secret, (byte) 0);
    }
  }
}
