package dev.hsm;

/**
 * What a key may be used for, like the PKCS#11 attributes {@code CKA_ENCRYPT}, {@code CKA_SIGN}...
 *
 * <p>Each key records the operations it allows when it is created; any other operation is refused
 * with {@link OperationNotPermittedException}. For HMAC keys, computing a MAC is {@link #SIGN} and
 * checking one is {@link #VERIFY}, as in PKCS#11. Generating a data key needs {@link #ENCRYPT}.
 */
public enum Operation {
  /** Encrypt data, or generate a data key under this key. */
  ENCRYPT,
  /** Decrypt data (including data keys) made with this key. */
  DECRYPT,
  /** Create signatures, or MAC tags with an HMAC key. */
  SIGN,
  /** Check signatures, or MAC tags with an HMAC key. */
  VERIFY
}
