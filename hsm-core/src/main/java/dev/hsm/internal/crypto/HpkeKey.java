package dev.hsm.internal.crypto;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.spi.KeyOperations;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Hybrid public-key encryption (HPKE, RFC 9180, base mode, single shot) with a post-quantum {@link
 * Kem}, HKDF-SHA-256 and AES-256-GCM. Payload: the KEM's encapsulation, then the AES-256-GCM
 * ciphertext and 16-byte tag of the plaintext, under the key and nonce {@link Hpke} derives from
 * the shared secret; the associated data is the caller's context, {@code info} is empty. A fresh
 * encapsulation per message makes a fresh key, so the first nonce of each is used once.
 */
final class HpkeKey implements KeyOperations {
  private final Algorithm algorithm;
  private final CryptoEngines engines;
  private final Kem kem;
  private final Hpke hpke;
  private final PublicKey publicKey;

  HpkeKey(Algorithm algorithm, CryptoEngines engines, Kem kem) {
    this.algorithm = algorithm;
    this.engines = engines;
    this.kem = kem;
    this.hpke = new Hpke(kem.id());
    this.publicKey = new EncodedPublicKey(algorithm.name(), kem.publicKeySpki());
  }

  @Override
  public Algorithm algorithm() {
    return algorithm;
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public byte[] encrypt(byte[] header, byte[] plaintext, byte[] associatedData) {
    Kem.Encapsulated shared = kem.encapsulate(Randomness.secureRandom());
    byte[] encapsulation = shared.encapsulation();
    byte[] keyAndNonce = hpke.keyAndNonce(shared.sharedSecret());
    Arrays.fill(shared.sharedSecret(), (byte) 0);
    int at = header.length + encapsulation.length;
    byte[] out = new byte[at + plaintext.length + Hpke.TAG_BYTES];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(encapsulation, 0, out, header.length, encapsulation.length);
    try {
      Cipher cipher = gcm(Cipher.ENCRYPT_MODE, keyAndNonce, associatedData);
      cipher.doFinal(plaintext, 0, plaintext.length, out, at);
      return out;
    } catch (GeneralSecurityException e) {
      throw new HsmException(algorithm + " encryption failed", e);
    } finally {
      Arrays.fill(keyAndNonce, (byte) 0);
    }
  }

  @Override
  public byte[] decrypt(byte[] envelope, int offset, byte[] associatedData)
      throws GeneralSecurityException {
    int at = offset + kem.encapsulationBytes();
    if (envelope.length - at < Hpke.TAG_BYTES) {
      throw new GeneralSecurityException("payload shorter than encapsulation and tag");
    }
    byte[] sharedSecret = kem.decapsulate(envelope, offset);
    byte[] keyAndNonce = hpke.keyAndNonce(sharedSecret);
    Arrays.fill(sharedSecret, (byte) 0);
    try {
      return gcm(Cipher.DECRYPT_MODE, keyAndNonce, associatedData)
          .doFinal(envelope, at, envelope.length - at);
    } finally {
      Arrays.fill(keyAndNonce, (byte) 0);
    }
  }

  private Cipher gcm(int mode, byte[] keyAndNonce, byte[] associatedData)
      throws GeneralSecurityException {
    Cipher cipher = engines.gcmEngine();
    cipher.init(
        mode,
        new SecretKeySpec(keyAndNonce, 0, Hpke.KEY_BYTES, "AES"),
        new GCMParameterSpec(Hpke.TAG_BYTES * 8, keyAndNonce, Hpke.KEY_BYTES, Hpke.NONCE_BYTES));
    if (associatedData.length > 0) {
      cipher.updateAAD(associatedData);
    }
    return cipher;
  }
}
