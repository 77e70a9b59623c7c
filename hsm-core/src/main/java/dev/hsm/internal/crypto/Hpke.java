package dev.hsm.internal.crypto;

import dev.hsm.HsmException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HPKE's key schedule (RFC 9180, section 5.1) in base mode with an empty {@code info}, for the
 * suite (a KEM, HKDF-SHA-256, AES-256-GCM): from a KEM's shared secret, the AEAD key and the nonce
 * of the first (and only) message. HMAC-SHA-256 runs on the JDK (SunJCE), one engine per thread.
 *
 * <pre>
 * suite_id    = "HPKE" || kem_id (2 bytes) || 0x0001 (HKDF-SHA256) || 0x0002 (AES-256-GCM)
 * ks_context  = 0x00 || LabeledExtract("", "psk_id_hash", "") || LabeledExtract("", "info_hash", "")
 * secret      = LabeledExtract(shared_secret, "secret", "")
 * key         = LabeledExpand(secret, "key", ks_context, 32)
 * base_nonce  = LabeledExpand(secret, "base_nonce", ks_context, 12)
 * </pre>
 */
final class Hpke {
  static final short KDF_HKDF_SHA256 = 0x0001;
  static final short AEAD_AES_256_GCM = 0x0002;
  static final int KEY_BYTES = 32;
  static final int NONCE_BYTES = 12;
  static final int TAG_BYTES = 16;

  private static final byte[] VERSION = ascii("HPKE-v1");
  private static final byte MODE_BASE = 0x00;
  private static final byte[] NO_SALT = new byte[32]; // HMAC pads an empty key with zeros alike
  private static final ThreadLocal<Mac> HMAC =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Mac.getInstance("HmacSHA256", Providers.SUN_JCE);
            } catch (GeneralSecurityException e) {
              throw new HsmException("HmacSHA256 is not available from SunJCE", e);
            }
          });

  private final byte[] suiteId;
  private final byte[] keyScheduleContext;

  Hpke(short kemId) {
    this.suiteId =
        ByteBuffer.allocate(10)
            .put(ascii("HPKE"))
            .putShort(kemId)
            .putShort(KDF_HKDF_SHA256)
            .putShort(AEAD_AES_256_GCM)
            .array();
    byte[] pskIdHash = labeledExtract(NO_SALT, "psk_id_hash", new byte[0]);
    byte[] infoHash = labeledExtract(NO_SALT, "info_hash", new byte[0]);
    this.keyScheduleContext =
        ByteBuffer.allocate(1 + pskIdHash.length + infoHash.length)
            .put(MODE_BASE)
            .put(pskIdHash)
            .put(infoHash)
            .array();
  }

  /** The AEAD key and base nonce for {@code sharedSecret}: one array, key then nonce. */
  byte[] keyAndNonce(byte[] sharedSecret) {
    byte[] secret = labeledExtract(sharedSecret, "secret", new byte[0]);
    byte[] key = labeledExpand(secret, "key", KEY_BYTES);
    byte[] nonce = labeledExpand(secret, "base_nonce", NONCE_BYTES);
    byte[] out = Arrays.copyOf(key, KEY_BYTES + NONCE_BYTES);
    System.arraycopy(nonce, 0, out, KEY_BYTES, NONCE_BYTES);
    Arrays.fill(secret, (byte) 0);
    Arrays.fill(key, (byte) 0);
    return out;
  }

  /** Extract(salt, "HPKE-v1" || suite_id || label || ikm) = HMAC-SHA-256(salt, ...). */
  private byte[] labeledExtract(byte[] salt, String label, byte[] ikm) {
    Mac mac = mac(salt);
    mac.update(VERSION);
    mac.update(suiteId);
    mac.update(ascii(label));
    mac.update(ikm);
    return mac.doFinal();
  }

  /**
   * Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label || ks_context, L) for {@code L <=
   * 32}: the first block, T(1) = HMAC-SHA-256(prk, info || 0x01), cut to {@code length}.
   */
  private byte[] labeledExpand(byte[] prk, String label, int length) {
    Mac mac = mac(prk);
    mac.update((byte) (length >>> 8));
    mac.update((byte) length);
    mac.update(VERSION);
    mac.update(suiteId);
    mac.update(ascii(label));
    mac.update(keyScheduleContext);
    mac.update((byte) 1);
    return Arrays.copyOf(mac.doFinal(), length);
  }

  private static Mac mac(byte[] key) {
    Mac mac = HMAC.get();
    try {
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new HsmException("HMAC-SHA-256 key set-up failed", e);
    }
    return mac;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
