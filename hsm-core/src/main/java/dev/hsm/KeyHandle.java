package dev.hsm;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A named key in the store, used only through operations: the private or secret material never
 * leaves the library. Handles are cheap, immutable and thread-safe; after first use the key is
 * cached unwrapped inside the client, so operations do not touch the database.
 *
 * <p>Outputs are self-describing envelopes that name the key version and format (see {@code
 * docs/FORMATS.md}), so older ciphertexts and signatures keep working after a rotation. Each method
 * checks first that the key's algorithm can do the operation ({@link WrongKeyTypeException}) and
 * then that the key allows it ({@link OperationNotPermittedException}).
 *
 * <p>{@code toString()} shows identity only, e.g. {@code KeyHandle[invoices v1 ECDSA_P256_SHA256
 * SIGN,VERIFY]}.
 */
public interface KeyHandle {

  /** The key's name, unique within its store. */
  String name();

  /** The key's metadata as currently stored, versions included. */
  KeyInfo info();

  /**
   * Encrypts with the primary version, binding {@code context} as associated data: decryption must
   * present the same context (like an AWS KMS encryption context). A fresh random nonce is used
   * every time. RSA-OAEP keys use the context as the OAEP label and can encrypt only short messages
   * (for 2048 bits, up to 190 bytes); larger input throws {@link InvalidArgumentException}. The
   * post-quantum encryption keys ({@link Algorithm#ML_KEM_768_X25519}, {@link
   * Algorithm#ML_KEM_1024}) encrypt any length with HPKE, a fresh key encapsulation per message.
   *
   * @param plaintext the data, possibly empty
   * @param context associated data; may be empty, never {@code null}
   * @return a ciphertext envelope
   * @throws OperationNotPermittedException if the key does not allow it, or if {@code context}
   *     begins with {@code dev.hsm/}: that namespace is reserved for the library's own labels
   */
  byte[] encrypt(byte[] plaintext, byte[] context);

  /** {@link #encrypt(byte[], byte[])} with an empty context. */
  default byte[] encrypt(byte[] plaintext) {
    return encrypt(plaintext, new byte[0]);
  }

  /**
   * Decrypts an envelope made by {@link #encrypt} with this key and the same context.
   *
   * @throws InvalidCiphertextException if the envelope is malformed, truncated, tampered with, made
   *     by another key, or the context differs
   * @throws OperationNotPermittedException if the key does not allow it, or if {@code context}
   *     begins with {@code dev.hsm/} (reserved, as for {@link #encrypt(byte[], byte[])})
   */
  byte[] decrypt(byte[] ciphertext, byte[] context);

  /** {@link #decrypt(byte[], byte[])} with an empty context. */
  default byte[] decrypt(byte[] ciphertext) {
    return decrypt(ciphertext, new byte[0]);
  }

  /**
   * Generates a random 256-bit data key and returns it both in clear and encrypted under this key
   * with {@code context} (envelope encryption, like KMS GenerateDataKey). Needs {@link
   * Operation#ENCRYPT} on an AEAD key or a post-quantum encryption key; a context beginning with
   * {@code dev.hsm/} is refused, as for {@link #encrypt(byte[], byte[])}.
   */
  DataKey generateDataKey(byte[] context);

  /**
   * Signs {@code data} with the primary version. The signature covers the envelope's 5-byte header
   * followed by {@code data}, never {@code data} alone, so it is not the signature of any JWS, and
   * no JWS signature passes {@link #verify}, whatever the data (see {@code docs/FORMATS.md}, which
   * also shows how to check it elsewhere with {@link #publicKeyPem()}).
   *
   * @return a signature envelope (format 2): format byte {@code 0x04}, key version, then the
   *     algorithm's standard signature (P1363 {@code r||s} for ECDSA) of those 5 bytes followed by
   *     {@code data}
   */
  byte[] sign(byte[] data);

  /**
   * Checks a signature envelope made by {@link #sign} with any enabled version of this key. Returns
   * normally only if it is valid. A signature that someone else made over bare data is checked with
   * {@link #verifyStandardSignature} instead.
   *
   * @throws RetiredEnvelopeFormatException if it is a format-1 envelope (format byte {@code 0x02}),
   *     which signed the bare data and is no longer accepted: sign the data again
   * @throws VerificationFailedException if the signature does not verify, is malformed or names a
   *     version this key does not have
   */
  void verify(byte[] data, byte[] signature);

  /**
   * Signs {@code payload} as a JWS in compact serialization (RFC 7515), with the primary version:
   * {@code alg} from the key's algorithm ({@code ES256}, {@code EdDSA}, {@code PS256}, {@code
   * RS256}, {@code HS256}, {@code ML-DSA-65}, {@code SLH-DSA-SHAKE-128f}...) and {@code kid} =
   * {@code <key name>:<version>}. Any JOSE library that knows the algorithm verifies it with the
   * key's {@link #publicJwk()} (or, for HMAC, the shared key). HashML-DSA keys, for which JOSE has
   * no name, throw {@link WrongKeyTypeException}.
   */
  String signJws(byte[] payload);

  /**
   * Checks a compact JWS made by this key (any enabled version, chosen by its {@code kid}) and
   * returns its payload. The header's {@code alg} must be this key's; {@code none} and every other
   * algorithm are refused, so a token cannot choose a weaker check.
   *
   * @throws VerificationFailedException if it is malformed, names another key or algorithm, or its
   *     signature does not verify
   */
  byte[] verifyJws(String jws);

  /**
   * Computes an HMAC tag envelope with the primary version. The tag covers the envelope's 5-byte
   * header followed by {@code data}, never {@code data} alone, so it is not the tag of any HMAC JWS
   * and no JWS tag passes {@link #verifyMac} (see {@code docs/FORMATS.md}).
   *
   * @return a MAC envelope (format 2): format byte {@code 0x05}, key version, then the full-length
   *     HMAC tag of those 5 bytes followed by {@code data}
   */
  byte[] mac(byte[] data);

  /**
   * Checks a tag made by {@link #mac} with any enabled version of this key, in constant time.
   * Returns normally only if it is valid. A tag computed elsewhere over bare data is checked with
   * {@link #verifyStandardMac} instead.
   *
   * @throws RetiredEnvelopeFormatException if it is a format-1 envelope (format byte {@code 0x03}),
   *     which covered the bare data and is no longer accepted: compute the tag again
   * @throws VerificationFailedException if the tag does not match, is malformed or names a version
   *     this key does not have
   */
  void verifyMac(byte[] data, byte[] tag);

  /**
   * Checks a signature made outside this library: the algorithm's standard signature over exactly
   * {@code data} (P1363 {@code r||s} for ECDSA), with no envelope, by the private key of the given
   * version of this key. For signatures that other parties make over bare messages (a partner's
   * signed file, test vectors); signatures made by {@link #sign} are checked with {@link #verify}.
   *
   * <p>Only keys that allow {@link Operation#VERIFY} but not {@link Operation#SIGN} may do this,
   * typically a public key imported with {@link KeyMaterial#publicKeyX509}. A key that signs here
   * makes JWS, and a JWS signature is a standard signature over the token's {@code header.payload}:
   * this call would accept it as that data, signed. For the same reason, import no public key of a
   * key that signs JWS (here or elsewhere) to check signatures this way.
   *
   * @param version the key version that made the signature; an imported public key has only version
   *     1
   * @throws OperationNotPermittedException if the key allows SIGN, or does not allow VERIFY
   * @throws VerificationFailedException if the signature does not verify, or the key has no such
   *     version
   */
  void verifyStandardSignature(byte[] data, byte[] signature, int version);

  /**
   * Makes a <em>standard signature</em>: the algorithm's plain signature of exactly {@code data},
   * with no envelope and no domain separation (P1363 {@code r||s} for ECDSA, as {@link
   * #verifyStandardSignature} takes; the RFC 8017 signature for RSA; RFC 8032 for Ed25519; FIPS
   * 204/205 with the empty context for ML-DSA and SLH-DSA). What OpenSSL's {@code dgst -verify}, a
   * JCA {@code Signature} or an OpenPGP implementation checks with the key's {@link
   * #publicKeyPem()}: for signing release files, OpenPGP signatures, and the JCA provider.
   *
   * <p>Only a key created with {@code withOperations(Operation.SIGN_STANDARD)} does this, and such
   * a key does nothing else ({@link Operation#SIGN_STANDARD}): a key that makes envelope signatures
   * or JWS would otherwise sign a JWS signing input, or an envelope's signed bytes, of the caller's
   * choosing. Data beginning with {@code dev.hsm/} is refused, as {@link #sign} refuses it. Each
   * use is counted; each refusal is written to the audit log.
   *
   * @return the signature of the primary version, with no header: keep the version beside it if the
   *     key may be rotated ({@link #standardSigner()} says which version signs)
   * @throws StandardSignatureNotAllowedException if the key does not allow {@code SIGN_STANDARD}
   * @throws OperationNotPermittedException if {@code data} begins with {@code dev.hsm/}
   * @throws WrongKeyTypeException if the key is not a signature key
   */
  byte[] signStandard(byte[] data);

  /**
   * A signer that makes a {@link #signStandard} signature of data fed in parts, with the primary
   * version, in constant memory for hash-then-sign algorithms (see {@link StandardSigner}). The
   * key's policy and state are checked now and again at {@link StandardSigner#sign()}.
   *
   * @throws StandardSignatureNotAllowedException if the key does not allow {@code SIGN_STANDARD}
   * @throws WrongKeyTypeException if the key is not a signature key
   */
  StandardSigner standardSigner();

  /**
   * Checks an HMAC tag computed outside this library: the full-length standard tag over exactly
   * {@code data}, with no envelope, under the given version of this key. Tags made by {@link #mac}
   * are checked with {@link #verifyMac}.
   *
   * <p>Only keys that allow {@link Operation#VERIFY} but not {@link Operation#SIGN} may do this,
   * such as a shared secret imported with {@code KeySpec.hmacSha256().withOperations(VERIFY)}: a
   * key that computes tags here makes HMAC JWS, whose tags are standard tags over the token's
   * {@code header.payload}. For the same reason, do not import one secret twice, as a key that
   * computes tags and as one that checks them this way.
   *
   * @param version the key version the tag was computed with
   * @throws OperationNotPermittedException if the key allows SIGN, or does not allow VERIFY
   * @throws VerificationFailedException if the tag does not match (compared in constant time), or
   *     the key has no such version
   */
  void verifyStandardMac(byte[] data, byte[] tag, int version);

  /**
   * Decrypts an RSA-OAEP ciphertext made outside this library: the standard RSAES-OAEP ciphertext
   * (RFC 8017; SHA-256, MGF1 with SHA-256), exactly the modulus length, with no envelope, under the
   * given version of this {@link Algorithm#RSA_OAEP_SHA256} key. For ciphertexts that other parties
   * make with the key's {@link #publicKeyPem()} or {@link #publicJwk()} ({@code RSA-OAEP-256});
   * ciphertexts made by {@link #encrypt} are decrypted with {@link #decrypt}.
   *
   * <p>{@code label} is the OAEP label, which {@link #encrypt} sets to the context: most outside
   * senders use none (empty). A label beginning with {@code dev.hsm/} is refused, as a context is:
   * the library's own RSA-OAEP ciphertexts (a key export's ephemeral key) use that namespace.
   *
   * <p>Unlike {@link #verifyStandardSignature}, any key that allows {@link Operation#DECRYPT} may
   * do this: an envelope's header is not part of what RSA-OAEP encrypts, so this call opens nothing
   * that {@link #decrypt} does not open once the header is put in front, and every failure (wrong
   * length, padding, label, key) gives one message, so it is no padding oracle. What it returns is
   * as secret as what {@code decrypt} returns: do not hand plaintexts back to whoever sent the
   * ciphertext unless the protocol means to.
   *
   * @param version the key version whose public key the sender used
   * @throws InvalidCiphertextException if it does not decrypt with that version and label, or the
   *     key has no such version
   * @throws OperationNotPermittedException if the key does not allow DECRYPT, or the label begins
   *     with {@code dev.hsm/}
   * @throws WrongKeyTypeException if the key is not an RSA-OAEP key
   */
  byte[] decryptStandardOaep(byte[] ciphertext, byte[] label, int version);

  /**
   * {@link #signStandard(byte[])} with the given version instead of the primary: what the JCA
   * provider ({@code dev.hsm.jca}) and certificates need, since a certificate names one version.
   * Any enabled version at or above the minimum version may sign, so a key keeps signing with the
   * version its certificate names until the next version has its own.
   *
   * @param version the version to sign with (the one whose certificate the verifier holds)
   * @throws StandardSignatureNotAllowedException if the key does not allow {@code SIGN_STANDARD}
   * @throws OperationNotPermittedException if {@code data} begins with {@code dev.hsm/}
   * @throws KeyNotFoundException if the key has no such version
   * @throws KeyDisabledException if the version is not enabled
   * @throws WrongKeyTypeException if the key is not a signature key
   */
  byte[] signStandard(byte[] data, int version);

  /**
   * Computes the full-length standard HMAC tag of exactly {@code data} with the given version, with
   * no envelope: what {@code javax.crypto.Mac} makes (the JCA provider). As for {@link
   * #signStandard(byte[])}: only an HMAC key created with {@code
   * withOperations(Operation.SIGN_STANDARD)}, which does nothing else, so it computes no envelope
   * ({@link #mac}) or JWS that its tags could pass for.
   *
   * @throws StandardSignatureNotAllowedException if the key does not allow {@code SIGN_STANDARD}
   * @throws KeyNotFoundException if the key has no such version
   * @throws KeyDisabledException if the version is not enabled
   * @throws WrongKeyTypeException if the key is not an HMAC key
   */
  byte[] macStandard(byte[] data, int version);

  /**
   * The certificate chain attached to a version with {@link #attachCertificateChain}, leaf first,
   * or an empty list if it has none. A chain belongs to one version: after {@link #rotate()} the
   * new version has none until one is attached.
   *
   * @throws KeyNotFoundException if the key has no such version
   */
  List<X509Certificate> certificateChain(int version);

  /**
   * Attaches an X.509 certificate chain (leaf first, then each issuer; the root may be left out) to
   * a version of an asymmetric key, replacing any chain it had; audited as {@code
   * key.attach-certificate}. The leaf's public key must be the version's, and each certificate must
   * be issued by the next (issuer name and signature). The chain is public but stored under the
   * version row's integrity check, like every attribute: an edited chain makes the key fail with
   * {@link KeyIntegrityException}. The JCA {@code KeyStore} presents it with the key.
   *
   * @param version the version the certificate was issued for
   * @param chain at most 10 certificates, leaf first
   * @throws CertificateMismatchException if the leaf's public key is not the version's, or the
   *     chain is not in issuing order
   * @throws KeyNotFoundException if the key has no such version
   * @throws KeyVersionDestroyedException if the version was destroyed
   * @throws WrongKeyTypeException for a symmetric key
   * @throws InvalidArgumentException if the chain is {@code null}, empty, too long or holds {@code
   *     null}
   */
  void attachCertificateChain(int version, List<X509Certificate> chain);

  /**
   * Re-encrypts a ciphertext under the primary version without handing the plaintext to the caller
   * (like Vault's rewrap and KMS ReEncrypt): use it after a rotation, before raising the minimum
   * decryption version. Needs {@link Operation#DECRYPT} and {@link Operation#ENCRYPT}.
   */
  byte[] reencrypt(byte[] ciphertext, byte[] context);

  /**
   * Adds a new version, generated inside the store, and makes it primary. Older enabled versions
   * keep decrypting and verifying.
   *
   * @return the new version number
   * @throws WrongKeyTypeException for an imported public key, which has no material to renew
   */
  int rotate();

  /**
   * Disables the whole key: every operation with its material (encrypt, decrypt, sign, verify, MAC,
   * data keys) fails with {@link KeyDisabledException}. Exporting the public key still works: it is
   * public, and verifiers elsewhere may need it.
   */
  void disable();

  /** Enables the key again after {@link #disable()}. */
  void enable();

  /** Disables one version; the primary version cannot be disabled (rotate first). */
  void disableVersion(int version);

  /** Enables a disabled version. */
  void enableVersion(int version);

  /** The primary version's public key as PEM ({@code -----BEGIN PUBLIC KEY-----}, SPKI). */
  String publicKeyPem();

  /**
   * The public key of an enabled {@code version} as PEM, as {@link #publicKeyPem()} gives the
   * primary's: for verifiers of signatures that older versions made.
   *
   * @throws KeyNotFoundException if the key has no such version
   * @throws KeyDisabledException if the version is not enabled
   * @throws WrongKeyTypeException for a symmetric key
   */
  String publicKeyPem(int version);

  /**
   * The public key of an enabled {@code version} as a JWK, as {@link #publicJwk()} gives the
   * primary's ({@code kid} = {@code <name>:<version>}): a JWK set of every enabled version lets
   * verifiers pick the key a token's {@code kid} names.
   *
   * @throws KeyNotFoundException if the key has no such version
   * @throws KeyDisabledException if the version is not enabled
   * @throws WrongKeyTypeException as {@link #publicJwk()}
   */
  String publicJwk(int version);

  /**
   * The primary version's public key as a JWK (RFC 7517) JSON object, with {@code kid} set to
   * {@code <name>:<version>} and {@code alg} and {@code use} set from the algorithm; ML-DSA and
   * SLH-DSA keys as the {@code AKP} key type of the IETF JOSE drafts ({@code pub}: the raw public
   * key).
   *
   * @throws WrongKeyTypeException for a symmetric key, or an algorithm JOSE has no name for
   *     (HashML-DSA, the ML-KEM encryption keys): use {@link #publicKeyPem()}
   */
  String publicJwk();
}
