package dev.hsm;

/**
 * What a key may be used for, like the PKCS#11 attributes {@code CKA_ENCRYPT}, {@code CKA_SIGN}...
 *
 * <p>Each key records the operations it allows when it is created; any other operation is refused
 * with {@link OperationNotPermittedException}. For HMAC keys, computing a MAC is {@link #SIGN} and
 * checking one is {@link #VERIFY}, as in PKCS#11. Generating a data key needs {@link #ENCRYPT}.
 *
 * <p>{@link #SIGN_STANDARD} is never given by default: a signature key allows it only when its spec
 * names it, and then allows nothing else.
 */
public enum Operation {
  /** Encrypt data, or generate a data key under this key. */
  ENCRYPT,
  /** Decrypt data (including data keys) made with this key. */
  DECRYPT,
  /** Create signatures, or MAC tags with an HMAC key. */
  SIGN,
  /** Check signatures, or MAC tags with an HMAC key. */
  VERIFY,
  /**
   * Make <em>standard signatures</em> ({@link KeyHandle#signStandard}, {@link
   * KeyHandle#standardSigner}): the algorithm's plain signature of exactly the caller's data, with
   * no envelope header, as OpenSSL, GnuPG or a JCA {@code Signature} make and check them; for an
   * HMAC key, the standard tag of exactly the caller's data ({@link KeyHandle#macStandard}, a JCA
   * {@code Mac}). Signature and HMAC keys only, and only when the spec names it ({@link
   * KeySpec#withOperations}); a key that allows it allows no other operation. The reason: the
   * envelope signatures of {@link #SIGN} and JWS are safe for caller-chosen data only because the
   * library chooses what is signed around it (see {@code docs/FORMATS.md}); a key that signs any
   * bytes the caller chooses would also sign a JWS signing input or an envelope's signed bytes, so
   * it must never be a key whose envelopes or JWS anyone trusts. Its signatures are checked
   * outside, with its public key.
   */
  SIGN_STANDARD
}
