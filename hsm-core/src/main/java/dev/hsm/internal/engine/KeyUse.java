package dev.hsm.internal.engine;

import dev.hsm.Algorithm;
import dev.hsm.Algorithm.Kind;
import dev.hsm.HsmException;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.Operation;
import dev.hsm.VerificationFailedException;
import dev.hsm.internal.protection.AuditChain;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;

/**
 * Every way into a key, and what each needs: the kinds of key it works on, the operation the key's
 * policy must allow, who acts and how it is named in the audit log and in messages, and the
 * exception for input that names a version the key does not have. {@link PolicyGate} checks them
 * all in one place.
 *
 * <p>The handle's uses are the application's; the {@code _EXPORT} uses exist only inside the admin
 * session's key export and import ({@link KeyTransfer}), so the transport and signing keys' policy
 * and state are checked, counted and audited as for any other use, under the admin actor, while the
 * public API cannot reach what they do.
 */
enum KeyUse {
  ENCRYPT(
      Operation.ENCRYPT,
      "key.encrypt",
      "encrypt",
      "ciphertext",
      Kind.AEAD,
      Kind.ASYMMETRIC_ENCRYPTION,
      Kind.HYBRID_ENCRYPTION),
  DECRYPT(
      Operation.DECRYPT,
      "key.decrypt",
      "decrypt",
      "ciphertext",
      Kind.AEAD,
      Kind.ASYMMETRIC_ENCRYPTION,
      Kind.HYBRID_ENCRYPTION),
  GENERATE_DATA_KEY(
      Operation.ENCRYPT,
      "key.generate-data-key",
      "generate a data key",
      "ciphertext",
      Kind.AEAD,
      Kind.HYBRID_ENCRYPTION),
  SIGN(Operation.SIGN, "key.sign", "sign", "signature", Kind.SIGNATURE),
  VERIFY(Operation.VERIFY, "key.verify", "verify a signature", "signature", Kind.SIGNATURE),
  MAC(Operation.SIGN, "key.mac", "compute a MAC", "MAC tag", Kind.MAC),
  VERIFY_MAC(Operation.VERIFY, "key.verify-mac", "verify a MAC tag", "MAC tag", Kind.MAC),
  SIGN_JWS(Operation.SIGN, "key.sign", "sign a JWS", "JWS", Kind.SIGNATURE, Kind.MAC),
  VERIFY_JWS(Operation.VERIFY, "key.verify", "verify a JWS", "JWS", Kind.SIGNATURE, Kind.MAC),

  /** An import's ephemeral key, decrypted with this store's transport key (RSA-OAEP or ML-KEM). */
  UNWRAP_EXPORT(
      Operation.DECRYPT,
      AuditChain.ADMIN,
      "key.unwrap-export",
      "unwrap an exported key (a transport key must be RSA_OAEP_SHA256, ML_KEM_768_X25519 or"
          + " ML_KEM_1024)",
      "exported key",
      Kind.ASYMMETRIC_ENCRYPTION,
      Kind.HYBRID_ENCRYPTION),

  /** An export's proof of origin, signed with the exporting store's signing key. */
  SIGN_EXPORT(
      Operation.SIGN,
      AuditChain.ADMIN,
      "key.sign-export",
      "sign a key export",
      "export signature",
      Kind.SIGNATURE),

  /** An import's proof of origin, checked with the key this store trusts for it. */
  VERIFY_EXPORT(
      Operation.VERIFY,
      AuditChain.ADMIN,
      "key.verify-export",
      "verify a key export's signature",
      "export signature",
      Kind.SIGNATURE),

  /**
   * A signature made outside, in the algorithm's standard form over the bare data. Only for keys
   * that can never sign here: a JWS made by this key is exactly such a signature over {@code
   * header.payload}.
   */
  VERIFY_STANDARD_SIGNATURE(
      Operation.VERIFY,
      "key.verify-standard-signature",
      "verify a standard-form signature",
      "standard-form signature",
      true,
      Kind.SIGNATURE),
  /**
   * An RSA-OAEP ciphertext made outside, with no envelope. Open to every key that decrypts: the
   * envelope's header is not encrypted, so this opens only what {@link #DECRYPT} opens once a
   * header is put in front. The public API's reserved-namespace check keeps it off a key export's
   * ephemeral key.
   */
  DECRYPT_STANDARD_OAEP(
      Operation.DECRYPT,
      "key.decrypt-standard-oaep",
      "decrypt a standard RSA-OAEP ciphertext",
      "standard-form ciphertext",
      Kind.ASYMMETRIC_ENCRYPTION),
  /**
   * A standard signature of caller-chosen bytes, no envelope: only for keys that allow {@link
   * Operation#SIGN_STANDARD}, which allow nothing else (KeySpec), so no key whose envelopes or JWS
   * are trusted can make one.
   */
  SIGN_STANDARD(
      Operation.SIGN_STANDARD,
      "key.sign-standard",
      "make a standard signature",
      "standard signature",
      Kind.SIGNATURE),
  /** A standard HMAC tag of caller-chosen bytes (JCA {@code Mac}), as {@link #SIGN_STANDARD}. */
  MAC_STANDARD(
      Operation.SIGN_STANDARD,
      "key.mac-standard",
      "compute a standard MAC tag",
      "standard MAC tag",
      Kind.MAC),
  /** A MAC tag made outside over the bare data; only for keys that cannot compute tags here. */
  VERIFY_STANDARD_MAC(
      Operation.VERIFY,
      "key.verify-standard-mac",
      "verify a standard-form MAC tag",
      "standard-form MAC tag",
      true,
      Kind.MAC);

  /** The operation the key's policy must allow. */
  final Operation operation;

  /** Who acts, for the audit log: the application, or the admin session. */
  final String actor;

  /** The audit log's name for it (refusals are recorded under it). */
  final String auditAction;

  /** What it does, for "key 'k' is X, which cannot ..." messages. */
  final String description;

  /** What the caller hands in (or gets back), for messages: "ciphertext", "JWS"... */
  final String input;

  /**
   * Whether the key must not allow {@link Operation#SIGN}: a use that accepts what any key of the
   * algorithm would make, with no domain of its own, must not be open to the key's own output.
   * Operations are fixed when a key is created, so a key admitted here has never signed.
   */
  final boolean onlyKeysThatCannotSign;

  private final Set<Kind> kinds;

  KeyUse(Operation operation, String auditAction, String description, String input, Kind... kinds) {
    this(operation, AuditChain.APP, auditAction, description, input, false, kinds);
  }

  KeyUse(
      Operation operation,
      String actor,
      String auditAction,
      String description,
      String input,
      Kind... kinds) {
    this(operation, actor, auditAction, description, input, false, kinds);
  }

  KeyUse(
      Operation operation,
      String auditAction,
      String description,
      String input,
      boolean onlyKeysThatCannotSign,
      Kind... kinds) {
    this(operation, AuditChain.APP, auditAction, description, input, onlyKeysThatCannotSign, kinds);
  }

  KeyUse(
      Operation operation,
      String actor,
      String auditAction,
      String description,
      String input,
      boolean onlyKeysThatCannotSign,
      Kind... kinds) {
    this.operation = operation;
    this.actor = actor;
    this.auditAction = auditAction;
    this.description = description;
    this.input = input;
    this.onlyKeysThatCannotSign = onlyKeysThatCannotSign;
    this.kinds = EnumSet.of(kinds[0], kinds);
  }

  boolean worksOn(Kind kind) {
    return kinds.contains(kind);
  }

  /**
   * Whether it works on keys of {@code algorithm}: one of its kinds, and for JWS one that JOSE has
   * a name for (HashML-DSA has none).
   */
  boolean worksOn(Algorithm algorithm) {
    return worksOn(algorithm.kind())
        && (algorithm.joseName() != null || (this != SIGN_JWS && this != VERIFY_JWS));
  }

  /** The exception for input that is malformed or not for this key: one type per kind of input. */
  HsmException badInput(String message) {
    Function<String, HsmException> type =
        operation == Operation.DECRYPT || operation == Operation.ENCRYPT
            ? InvalidCiphertextException::new
            : VerificationFailedException::new;
    return type.apply(message);
  }
}
