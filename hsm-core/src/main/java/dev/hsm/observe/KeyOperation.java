package dev.hsm.observe;

import java.util.Locale;

/**
 * The key operations an {@link HsmObserver} hears about: one per cryptographic method of {@link
 * dev.hsm.KeyHandle}. Lifecycle calls (rotate, disable...) are not operations here; they are
 * audited, and the observer hears their audit entries.
 */
public enum KeyOperation {
  /** {@code encrypt}. */
  ENCRYPT,
  /** {@code decrypt}. */
  DECRYPT,
  /** {@code reencrypt}: one decryption and one encryption, heard as one operation. */
  REENCRYPT,
  /** {@code generateDataKey}. */
  GENERATE_DATA_KEY,
  /** {@code decryptStandardOaep}. */
  DECRYPT_STANDARD_OAEP,
  /** {@code sign}. */
  SIGN,
  /** {@code verify}. */
  VERIFY,
  /** {@code mac}. */
  MAC,
  /** {@code verifyMac}. */
  VERIFY_MAC,
  /** {@code signJws}. */
  SIGN_JWS,
  /** {@code verifyJws}. */
  VERIFY_JWS,
  /** {@code signStandard}, and {@code standardSigner()} (heard when the signer is made). */
  SIGN_STANDARD,
  /** {@code macStandard}. */
  MAC_STANDARD,
  /** {@code verifyStandardSignature}. */
  VERIFY_STANDARD_SIGNATURE,
  /** {@code verifyStandardMac}. */
  VERIFY_STANDARD_MAC;

  private final String tag = name().toLowerCase(Locale.ROOT).replace('_', '-');

  /** The name for metric tags and logs: lower case, words joined by '-', e.g. {@code sign-jws}. */
  public String tag() {
    return tag;
  }
}
