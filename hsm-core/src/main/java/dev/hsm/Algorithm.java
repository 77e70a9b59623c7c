package dev.hsm;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A key's algorithm: the key type together with the one scheme it is used with.
 *
 * <p>Fixing the scheme per key (as Tink's key templates and JOSE's {@code alg} do) means a
 * signature or ciphertext can never be checked under a weaker scheme than the one it was made with.
 * RSA keys take their modulus size from {@link KeySpec}.
 */
public enum Algorithm {
  /** AES with a 256-bit key in GCM mode, 96-bit random nonce, 128-bit tag. */
  AES_256_GCM(Kind.AEAD, "A256GCM"),
  /** ChaCha20-Poly1305 (RFC 8439), 256-bit key, 96-bit random nonce, 128-bit tag. */
  CHACHA20_POLY1305(Kind.AEAD, null),
  /**
   * AES-256-GCM-SIV (RFC 8452) used <em>deterministically</em>: the same plaintext and context
   * always give the same ciphertext, so equality queries on encrypted columns work. The nonce is
   * derived from the plaintext and context (a synthetic IV), and GCM-SIV stays secure even when
   * nonces repeat; what leaks is exactly whether two ciphertexts hold the same value. Use it only
   * where that is wanted.
   */
  AES_256_GCM_SIV(Kind.AEAD, null),
  /**
   * HMAC with SHA-256, full 32-byte tag; a generated key is 32 bytes (imported keys: see {@link
   * KeyMaterial#secretKey}).
   */
  HMAC_SHA256(Kind.MAC, "HS256"),
  /** HMAC with SHA-384, full 48-byte tag; a generated key is 48 bytes. */
  HMAC_SHA384(Kind.MAC, "HS384"),
  /** HMAC with SHA-512, full 64-byte tag; a generated key is 64 bytes. */
  HMAC_SHA512(Kind.MAC, "HS512"),
  /** ECDSA on NIST P-256 with SHA-256; signatures are IEEE P1363 {@code r||s} (64 bytes). */
  ECDSA_P256_SHA256(Kind.SIGNATURE, "ES256"),
  /** ECDSA on NIST P-384 with SHA-384; signatures are IEEE P1363 {@code r||s} (96 bytes). */
  ECDSA_P384_SHA384(Kind.SIGNATURE, "ES384"),
  /** ECDSA on NIST P-521 with SHA-512; signatures are IEEE P1363 {@code r||s} (132 bytes). */
  ECDSA_P521_SHA512(Kind.SIGNATURE, "ES512"),
  /** Ed25519 (RFC 8032, pure). */
  ED25519(Kind.SIGNATURE, "EdDSA"),
  /** RSASSA-PKCS1-v1_5 with SHA-256. */
  RSA_PKCS1_SHA256(Kind.SIGNATURE, "RS256"),
  /** RSASSA-PKCS1-v1_5 with SHA-384. */
  RSA_PKCS1_SHA384(Kind.SIGNATURE, "RS384"),
  /** RSASSA-PKCS1-v1_5 with SHA-512. */
  RSA_PKCS1_SHA512(Kind.SIGNATURE, "RS512"),
  /** RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt. */
  RSA_PSS_SHA256(Kind.SIGNATURE, "PS256"),
  /** RSASSA-PSS with SHA-384, MGF1-SHA-384 and a 48-byte salt. */
  RSA_PSS_SHA384(Kind.SIGNATURE, "PS384"),
  /** RSASSA-PSS with SHA-512, MGF1-SHA-512 and a 64-byte salt. */
  RSA_PSS_SHA512(Kind.SIGNATURE, "PS512"),
  /** RSAES-OAEP with SHA-256 and MGF1-SHA-256; the caller's context is the OAEP label. */
  RSA_OAEP_SHA256(Kind.ASYMMETRIC_ENCRYPTION, "RSA-OAEP-256"),
  /**
   * ML-DSA-44 (FIPS 204, pure, empty context), NIST security category 2: 1,312-byte public keys,
   * 2,420-byte signatures. Post-quantum.
   */
  ML_DSA_44(Kind.SIGNATURE, "ML-DSA-44"),
  /**
   * ML-DSA-65 (FIPS 204, pure, empty context), category 3: 1,952-byte public keys, 3,309-byte
   * signatures. Post-quantum; the general-purpose choice.
   */
  ML_DSA_65(Kind.SIGNATURE, "ML-DSA-65"),
  /**
   * ML-DSA-87 (FIPS 204, pure, empty context), category 5: 2,592-byte public keys, 4,627-byte
   * signatures. Post-quantum.
   */
  ML_DSA_87(Kind.SIGNATURE, "ML-DSA-87"),
  /**
   * HashML-DSA-44 with SHA-512 (FIPS 204, section 5.4, empty context): the message is hashed with
   * SHA-512 first, for signers that must stream large data. JOSE defines no name for it, so its
   * keys make no JWS and no JWK.
   */
  HASH_ML_DSA_44_SHA512(Kind.SIGNATURE, null),
  /** HashML-DSA-65 with SHA-512 (FIPS 204, section 5.4, empty context); no JWS, no JWK. */
  HASH_ML_DSA_65_SHA512(Kind.SIGNATURE, null),
  /** HashML-DSA-87 with SHA-512 (FIPS 204, section 5.4, empty context); no JWS, no JWK. */
  HASH_ML_DSA_87_SHA512(Kind.SIGNATURE, null),
  /**
   * SLH-DSA-SHA2-128s (FIPS 205, pure, empty context): hash-based, 32-byte public keys, 7,856-byte
   * signatures, slow to sign (seconds, not milliseconds). Post-quantum, resting only on SHA-2.
   */
  SLH_DSA_SHA2_128S(Kind.SIGNATURE, "SLH-DSA-SHA2-128s"),
  /**
   * SLH-DSA-SHAKE-128f (FIPS 205, pure, empty context): hash-based, 32-byte public keys,
   * 17,088-byte signatures, faster to sign than the "s" sets. Post-quantum, resting only on SHAKE.
   */
  SLH_DSA_SHAKE_128F(Kind.SIGNATURE, "SLH-DSA-SHAKE-128f"),
  /**
   * Hybrid post-quantum encryption: HPKE (RFC 9180, base mode) with the X-Wing KEM (ML-KEM-768
   * combined with X25519, HPKE KEM id {@code 0x647a}), HKDF-SHA-256 and AES-256-GCM. Secure while
   * either ML-KEM-768 or X25519 is; any plaintext length; the caller's context is the associated
   * data.
   */
  ML_KEM_768_X25519(Kind.HYBRID_ENCRYPTION, null),
  /**
   * Post-quantum encryption with ML-KEM-1024 alone (FIPS 203, category 5, as CNSA 2.0 asks): HPKE
   * (RFC 9180, base mode) with the ML-KEM-1024 KEM (HPKE KEM id {@code 0x0042}), HKDF-SHA-256 and
   * AES-256-GCM; any plaintext length; the caller's context is the associated data.
   */
  ML_KEM_1024(Kind.HYBRID_ENCRYPTION, null);

  /** The family an algorithm belongs to; it decides which operations make sense. */
  public enum Kind {
    /** Authenticated symmetric encryption. */
    AEAD(EnumSet.of(Operation.ENCRYPT, Operation.DECRYPT)),
    /** Message authentication codes. */
    MAC(EnumSet.of(Operation.SIGN, Operation.VERIFY)),
    /** Digital signatures. */
    SIGNATURE(EnumSet.of(Operation.SIGN, Operation.VERIFY)),
    /** Public-key encryption of one block (RSA-OAEP). */
    ASYMMETRIC_ENCRYPTION(EnumSet.of(Operation.ENCRYPT, Operation.DECRYPT)),
    /**
     * Hybrid public-key encryption (HPKE, RFC 9180): a key encapsulation mechanism shares a fresh
     * key for each message and AES-256-GCM encrypts it, so plaintexts of any length encrypt and
     * data keys work as with an AEAD key.
     */
    HYBRID_ENCRYPTION(EnumSet.of(Operation.ENCRYPT, Operation.DECRYPT));

    private final Set<Operation> operations;

    Kind(Set<Operation> operations) {
      this.operations = Collections.unmodifiableSet(operations);
    }

    /**
     * The operations keys of this family can perform, which a spec allows unless it names fewer.
     * Signature keys can also be given {@link Operation#SIGN_STANDARD}, never by default and then
     * alone ({@link KeySpec#withOperations}).
     */
    public Set<Operation> operations() {
      return operations;
    }
  }

  private final Kind kind;
  private final String joseName;

  Algorithm(Kind kind, String joseName) {
    this.kind = kind;
    this.joseName = joseName;
  }

  /** The family of this algorithm. */
  public Kind kind() {
    return kind;
  }

  /** Whether keys of this algorithm have a public half that can be exported. */
  public boolean isAsymmetric() {
    return kind == Kind.SIGNATURE
        || kind == Kind.ASYMMETRIC_ENCRYPTION
        || kind == Kind.HYBRID_ENCRYPTION;
  }

  /**
   * Whether this algorithm is post-quantum: ML-DSA, HashML-DSA, SLH-DSA, and the ML-KEM encryption
   * keys (the hybrid one is as strong as the stronger of its two parts).
   */
  public boolean isPostQuantum() {
    return name().startsWith("ML_") || name().startsWith("HASH_ML_") || name().startsWith("SLH_");
  }

  /** Whether this is an RSA algorithm, whose modulus size is chosen per key. */
  public boolean isRsa() {
    return name().startsWith("RSA_");
  }

  /**
   * The JOSE algorithm name, e.g. {@code ES256} (RFC 7518, RFC 8037) or {@code ML-DSA-65} (the IETF
   * JOSE/COSE drafts for ML-DSA and SLH-DSA), or {@code null} where JOSE defines none
   * (ChaCha20-Poly1305, HashML-DSA, the ML-KEM encryption keys).
   */
  public String joseName() {
    return joseName;
  }
}
