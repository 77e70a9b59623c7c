package dev.hsm;

import dev.hsm.internal.crypto.Pem;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * Existing key material to bring into the store with {@link HsmClient#importKey}. This class and
 * that method are the only way raw key bytes enter the library, so {@code git grep KeyMaterial}
 * finds every such path. Imported keys are marked {@link KeyInfo#imported() imported}.
 *
 * <p>Three forms are accepted: raw secret bytes (AES, ChaCha20, HMAC keys), a PKCS#8 private key
 * (the public key is derived from it), and an X.509 SubjectPublicKeyInfo public key, which gives a
 * verify-only or encrypt-only key. The bytes are copied; {@link #destroy()} overwrites the copy.
 */
public final class KeyMaterial implements Destroyable {
  /** The encoding of the material. */
  public enum Form {
    /** Raw secret key bytes. */
    SECRET,
    /** A PKCS#8 PrivateKeyInfo, DER. */
    PRIVATE_PKCS8,
    /** An X.509 SubjectPublicKeyInfo, DER. */
    PUBLIC_X509,
    /**
     * No material: the label of a key already in the store's custody (a PKCS#11 token object), to
     * adopt as it is ({@link #tokenObject}). Software custody refuses it.
     */
    TOKEN_OBJECT
  }

  private final Form form;
  private final byte[] encoded;
  private volatile boolean destroyed;

  private KeyMaterial(Form form, byte[] encoded) {
    this.form = form;
    this.encoded = encoded.clone();
  }

  /**
   * Raw secret key bytes. The one statement of the lengths an import accepts: 32 bytes for AES-256
   * (GCM and GCM-SIV) and ChaCha20; for HMAC at least the hash's output length, as RFC 2104
   * recommends (32, 48 and 64 bytes for SHA-256, SHA-384 and SHA-512; shorter keys weaken the MAC),
   * and at most 1024 bytes. Other lengths fail at import with {@link InvalidKeyMaterialException}.
   */
  public static KeyMaterial secretKey(byte[] key) {
    return new KeyMaterial(Form.SECRET, InvalidArgumentException.requireNonNull(key, "key"));
  }

  /** A private key as PKCS#8 DER. */
  public static KeyMaterial privateKeyPkcs8(byte[] der) {
    return new KeyMaterial(Form.PRIVATE_PKCS8, InvalidArgumentException.requireNonNull(der, "der"));
  }

  /** A private key as PEM ({@code -----BEGIN PRIVATE KEY-----}, unencrypted PKCS#8). */
  public static KeyMaterial privateKeyPem(String pem) {
    return new KeyMaterial(
        Form.PRIVATE_PKCS8,
        Pem.decode(InvalidArgumentException.requireNonNull(pem, "pem"), "PRIVATE KEY"));
  }

  /** A public key as X.509 SubjectPublicKeyInfo DER. */
  public static KeyMaterial publicKeyX509(byte[] der) {
    return new KeyMaterial(Form.PUBLIC_X509, InvalidArgumentException.requireNonNull(der, "der"));
  }

  /** A public key as PEM ({@code -----BEGIN PUBLIC KEY-----}). */
  public static KeyMaterial publicKeyPem(String pem) {
    return new KeyMaterial(
        Form.PUBLIC_X509,
        Pem.decode(InvalidArgumentException.requireNonNull(pem, "pem"), "PUBLIC KEY"));
  }

  /**
   * A key already in a PKCS#11 token, named by the label the JDK's PKCS#11 key store lists it under
   * (a secret key's CKA_LABEL; for a private key, the CKA_LABEL of the certificate beside it), for
   * {@link HsmAdmin#importKey} on a store whose custody is that token: the key is adopted, not
   * copied, and from then on answers only to the store (hsm-pkcs11's docs/PKCS11.md). Any other
   * custody refuses it with {@link InvalidKeyMaterialException}.
   */
  public static KeyMaterial tokenObject(String label) {
    InvalidArgumentException.requireNonNull(label, "label");
    if (label.isEmpty()) {
      throw new InvalidArgumentException("a token object's label must not be empty");
    }
    return new KeyMaterial(Form.TOKEN_OBJECT, label.getBytes(StandardCharsets.UTF_8));
  }

  /** The encoding of the material. */
  public Form form() {
    return form;
  }

  /**
   * A copy of the encoded bytes, for the engine's import path.
   *
   * @throws InvalidKeyMaterialException once destroyed: destroyed material cannot be imported
   */
  public byte[] encoded() {
    if (destroyed) {
      throw new InvalidKeyMaterialException("key material was destroyed");
    }
    return encoded.clone();
  }

  /** Overwrites the bytes held by this object with zeros. */
  @Override
  public void destroy() {
    Arrays.fill(encoded, (byte) 0);
    destroyed = true;
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "KeyMaterial[" + form + ", <masked>]";
  }
}
