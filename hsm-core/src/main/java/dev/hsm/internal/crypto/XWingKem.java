package dev.hsm.internal.crypto;

import dev.hsm.InvalidKeyMaterialException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.crypto.digests.SHA3Digest;
import org.bouncycastle.crypto.digests.SHAKEDigest;
import org.bouncycastle.crypto.kems.MLKEMExtractor;
import org.bouncycastle.crypto.kems.MLKEMGenerator;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * X-Wing (draft-connolly-cfrg-xwing-kem; "MLKEM768-X25519" of draft-irtf-cfrg-hybrid-kems; HPKE KEM
 * id {@code 0x647a}), composed here from Bouncy Castle's ML-KEM-768, X25519 and SHA3-256:
 *
 * <pre>
 * public key     pk_M (ML-KEM-768, 1184 bytes) || pk_X (X25519, 32 bytes)
 * encapsulation  ct_M (1088 bytes) || ct_X = X25519(ek_X, 9) (32 bytes), ek_X random
 * shared secret  SHA3-256(ss_M || ss_X || ct_X || pk_X || "\.//^\")
 * private key    a 32-byte seed: SHAKE256(seed, 96) = d || z (ML-KEM-768) || sk_X (X25519)
 * </pre>
 *
 * Keys imported as their two components (the composite ML-KEM form) have no seed; they run the same
 * KEM. The X25519 result is not checked for zero, as X-Wing specifies: the combiner hashes {@code
 * ct_X} and {@code pk_X}, and ML-KEM alone keeps the secret.
 */
final class XWingKem implements Kem {
  static final short ID = 0x647a;
  static final int ML_KEM_PUBLIC_KEY_BYTES = 1184;
  static final int ML_KEM_CIPHERTEXT_BYTES = 1088;
  static final int PUBLIC_KEY_BYTES = ML_KEM_PUBLIC_KEY_BYTES + 32;
  static final int ENCAPSULATION_BYTES = ML_KEM_CIPHERTEXT_BYTES + 32;

  /** The combiner's label, the six ASCII bytes {@code \.//^\}. */
  static final byte[] LABEL = {0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c};

  /** A private key's parts. {@code seed} is {@code null} for a key imported as components. */
  record Keys(byte[] seed, byte[] mlKemSeed, byte[] x25519Private, byte[] publicKey) {}

  private final byte[] publicKey;
  private final MLKEMPublicKeyParameters mlKemPublic;
  private final byte[] x25519Public;
  private final MLKEMPrivateKeyParameters mlKemPrivate;
  private final byte[] x25519Private;

  private XWingKem(byte[] publicKey, Keys keys) {
    this.publicKey = publicKey;
    this.mlKemPublic =
        new MLKEMPublicKeyParameters(
            MLKEMParameters.ml_kem_768, Arrays.copyOf(publicKey, ML_KEM_PUBLIC_KEY_BYTES));
    this.x25519Public = Arrays.copyOfRange(publicKey, ML_KEM_PUBLIC_KEY_BYTES, PUBLIC_KEY_BYTES);
    this.mlKemPrivate =
        keys == null
            ? null
            : new MLKEMPrivateKeyParameters(MLKEMParameters.ml_kem_768, keys.mlKemSeed());
    this.x25519Private = keys == null ? null : keys.x25519Private().clone();
  }

  /** The X-Wing key pair a 32-byte seed expands to. */
  static Keys fromSeed(byte[] seed) {
    byte[] expanded = new byte[96];
    SHAKEDigest shake = new SHAKEDigest(256);
    shake.update(seed, 0, seed.length);
    shake.doFinal(expanded, 0, expanded.length);
    Keys keys = fromComponents(expanded);
    Arrays.fill(expanded, (byte) 0);
    return new Keys(seed.clone(), keys.mlKemSeed(), keys.x25519Private(), keys.publicKey());
  }

  /** The key pair of an ML-KEM-768 seed (64 bytes) followed by an X25519 private key (32). */
  static Keys fromComponents(byte[] body) {
    byte[] mlKemSeed = Arrays.copyOf(body, 64);
    byte[] x25519Private = Arrays.copyOfRange(body, 64, 96);
    byte[] mlKemPublic =
        new MLKEMPrivateKeyParameters(MLKEMParameters.ml_kem_768, mlKemSeed).getPublicKey();
    byte[] publicKey = Arrays.copyOf(mlKemPublic, PUBLIC_KEY_BYTES);
    X25519.scalarMultBase(x25519Private, 0, publicKey, ML_KEM_PUBLIC_KEY_BYTES);
    return new Keys(null, mlKemSeed, x25519Private, publicKey);
  }

  /** A raw public key's length and its ML-KEM part's encoding (FIPS 203, 7.2: reduced mod q). */
  static void checkPublicKey(byte[] raw) {
    if (raw.length != PUBLIC_KEY_BYTES) {
      throw new InvalidKeyMaterialException(
          "an X-Wing public key is " + PUBLIC_KEY_BYTES + " bytes, not " + raw.length);
    }
    try {
      new MLKEMPublicKeyParameters(
          MLKEMParameters.ml_kem_768, Arrays.copyOf(raw, ML_KEM_PUBLIC_KEY_BYTES));
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyMaterialException(
          "the ML-KEM-768 part of the X-Wing public key is not valid: " + e.getMessage(), e);
    }
  }

  /**
   * The KEM for stored material: {@code pkcs8} (X-Wing seed or composite components, as {@link
   * PostQuantumKeys} stored it) or {@code null} for a public key alone, and the X-Wing SPKI.
   */
  static XWingKem load(byte[] pkcs8, byte[] spki) throws IOException {
    byte[] publicKey = PostQuantumKeys.rawPublicKey(spki);
    checkPublicKey(publicKey);
    if (pkcs8 == null) {
      return new XWingKem(publicKey, null);
    }
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(pkcs8);
    byte[] body = info.getPrivateKey().getOctets();
    Keys keys =
        info.getPrivateKeyAlgorithm().getAlgorithm().equals(PostQuantumKeys.X_WING)
            ? fromSeed(body)
            : fromComponents(body);
    Arrays.fill(body, (byte) 0);
    if (!Arrays.equals(keys.publicKey(), publicKey)) {
      throw new IOException("the stored X-Wing public key is not the private key's");
    }
    return new XWingKem(publicKey, keys);
  }

  @Override
  public short id() {
    return ID;
  }

  @Override
  public int encapsulationBytes() {
    return ENCAPSULATION_BYTES;
  }

  @Override
  public Encapsulated encapsulate(SecureRandom random) {
    SecretWithEncapsulation mlKem = new MLKEMGenerator(random).generateEncapsulated(mlKemPublic);
    byte[] encapsulation = new byte[ENCAPSULATION_BYTES];
    System.arraycopy(mlKem.getEncapsulation(), 0, encapsulation, 0, ML_KEM_CIPHERTEXT_BYTES);
    byte[] ephemeral = new byte[32];
    random.nextBytes(ephemeral);
    X25519.scalarMultBase(ephemeral, 0, encapsulation, ML_KEM_CIPHERTEXT_BYTES);
    byte[] x25519Secret = new byte[32];
    X25519.scalarMult(ephemeral, 0, x25519Public, 0, x25519Secret, 0);
    byte[] mlKemSecret = mlKem.getSecret();
    byte[] shared = combine(mlKemSecret, x25519Secret, encapsulation);
    Arrays.fill(ephemeral, (byte) 0);
    Arrays.fill(x25519Secret, (byte) 0);
    Arrays.fill(mlKemSecret, (byte) 0);
    return new Encapsulated(shared, encapsulation);
  }

  @Override
  public byte[] decapsulate(byte[] in, int offset) throws GeneralSecurityException {
    if (mlKemPrivate == null) {
      throw new GeneralSecurityException("an X-Wing public key cannot decapsulate");
    }
    if (in.length - offset < ENCAPSULATION_BYTES) {
      throw new GeneralSecurityException("X-Wing encapsulation is too short");
    }
    byte[] mlKemCiphertext = Arrays.copyOfRange(in, offset, offset + ML_KEM_CIPHERTEXT_BYTES);
    byte[] mlKemSecret = new MLKEMExtractor(mlKemPrivate).extractSecret(mlKemCiphertext);
    byte[] x25519Secret = new byte[32];
    X25519.scalarMult(x25519Private, 0, in, offset + ML_KEM_CIPHERTEXT_BYTES, x25519Secret, 0);
    byte[] encapsulation = Arrays.copyOfRange(in, offset, offset + ENCAPSULATION_BYTES);
    byte[] shared = combine(mlKemSecret, x25519Secret, encapsulation);
    Arrays.fill(x25519Secret, (byte) 0);
    Arrays.fill(mlKemSecret, (byte) 0);
    return shared;
  }

  /** SHA3-256(ss_M || ss_X || ct_X || pk_X || label). */
  private byte[] combine(byte[] mlKemSecret, byte[] x25519Secret, byte[] encapsulation) {
    SHA3Digest sha3 = new SHA3Digest(256);
    sha3.update(mlKemSecret, 0, mlKemSecret.length);
    sha3.update(x25519Secret, 0, x25519Secret.length);
    sha3.update(encapsulation, ML_KEM_CIPHERTEXT_BYTES, 32);
    sha3.update(x25519Public, 0, x25519Public.length);
    sha3.update(LABEL, 0, LABEL.length);
    byte[] out = new byte[32];
    sha3.doFinal(out, 0);
    return out;
  }

  @Override
  public byte[] publicKeySpki() {
    try {
      return PostQuantumKeys.xWingSpki(publicKey);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode an X-Wing public key", e);
    }
  }
}
