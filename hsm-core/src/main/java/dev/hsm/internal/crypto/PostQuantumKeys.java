package dev.hsm.internal.crypto;

import dev.hsm.Algorithm;
import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyMaterial.Form;
import java.io.IOException;
import java.security.MessageDigest;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.iana.IANAObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.digests.SHAKEDigest;
import org.bouncycastle.crypto.generators.SLHDSAKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLDSAPublicKeyParameters;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.SLHDSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.SLHDSAParameters;
import org.bouncycastle.crypto.params.SLHDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.SLHDSAPublicKeyParameters;
import org.bouncycastle.crypto.signers.HashMLDSASigner;
import org.bouncycastle.crypto.signers.MLDSASigner;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/**
 * Key material of the post-quantum algorithms: generated, checked at import and put in the one
 * encoding the store keeps, on Bouncy Castle's low-level API (no provider is installed).
 *
 * <p>Encodings (docs/FORMATS.md, "Post-quantum keys"):
 *
 * <ul>
 *   <li>ML-DSA and HashML-DSA (RFC 9881's {@code ML-DSA-PrivateKey} CHOICE inside PKCS#8, NIST
 *       OIDs): a generated key is stored as its 32-byte seed; an import may be the seed, the
 *       expanded key, or both, and is stored as the seed when it has one, else expanded.
 *   <li>SLH-DSA (RFC 9909): the raw {@code SK.seed || SK.prf || PK.seed || PK.root}.
 *   <li>ML-KEM-1024 (the ML-KEM {@code PrivateKey} CHOICE of the LAMPS ML-KEM certificates RFC):
 *       the 64-byte seed {@code d || z}, or the expanded decapsulation key.
 *   <li>X-Wing: its 32-byte seed under the X-Wing OID (draft-connolly-cfrg-xwing-kem); or, imported
 *       only, the same KEM as two components: the ML-KEM-768 seed and the X25519 private key under
 *       the composite OID {@code id-MLKEM768-X25519-SHA3-256} (draft-ietf-lamps-pq-composite-kem,
 *       whose combiner for this pair is X-Wing's).
 * </ul>
 *
 * Every import is checked for consistency ({@link InvalidKeyMaterialException} otherwise): seed and
 * expanded key agree; an expanded ML-DSA key's secret vectors are in range, its {@code tr} is the
 * hash of the public key they give, and it signs what that public key verifies; an expanded ML-KEM
 * key carries the hash of its own encapsulation key (FIPS 203, 7.3); an SLH-DSA key's {@code
 * PK.root} is the root its seeds give; a public key a PKCS#8 carries is the private key's.
 */
final class PostQuantumKeys {
  /** X-Wing, draft-connolly-cfrg-xwing-kem: {@code 1.3.6.1.4.1.62253.25722}. */
  static final ASN1ObjectIdentifier X_WING = new ASN1ObjectIdentifier("1.3.6.1.4.1.62253.25722");

  /** Composite ML-KEM-768 + X25519 with SHA3-256 (draft-ietf-lamps-pq-composite-kem). */
  static final ASN1ObjectIdentifier COMPOSITE_MLKEM768_X25519 =
      IANAObjectIdentifiers.id_MLKEM768_X25519_SHA3_256;

  static final int X_WING_SEED_BYTES = 32;
  static final int ML_KEM_SEED_BYTES = 64;
  static final int X25519_BYTES = 32;

  private static final byte[] CONSISTENCY_MESSAGE =
      "dev.hsm/v1/pairwise-consistency".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private PostQuantumKeys() {}

  /** The NIST (or, for X-Wing, the draft's) OID of {@code algorithm}'s keys. */
  static ASN1ObjectIdentifier oid(Algorithm algorithm) {
    switch (algorithm) {
      case ML_DSA_44:
        return NISTObjectIdentifiers.id_ml_dsa_44;
      case ML_DSA_65:
        return NISTObjectIdentifiers.id_ml_dsa_65;
      case ML_DSA_87:
        return NISTObjectIdentifiers.id_ml_dsa_87;
      case HASH_ML_DSA_44_SHA512:
        return NISTObjectIdentifiers.id_hash_ml_dsa_44_with_sha512;
      case HASH_ML_DSA_65_SHA512:
        return NISTObjectIdentifiers.id_hash_ml_dsa_65_with_sha512;
      case HASH_ML_DSA_87_SHA512:
        return NISTObjectIdentifiers.id_hash_ml_dsa_87_with_sha512;
      case SLH_DSA_SHA2_128S:
        return NISTObjectIdentifiers.id_slh_dsa_sha2_128s;
      case SLH_DSA_SHAKE_128F:
        return NISTObjectIdentifiers.id_slh_dsa_shake_128f;
      case ML_KEM_1024:
        return NISTObjectIdentifiers.id_alg_ml_kem_1024;
      case ML_KEM_768_X25519:
        return X_WING;
      default:
        throw new IllegalArgumentException(algorithm + " is not post-quantum");
    }
  }

  static MLDSAParameters mlDsa(Algorithm algorithm) {
    switch (algorithm) {
      case ML_DSA_44:
        return MLDSAParameters.ml_dsa_44;
      case ML_DSA_65:
        return MLDSAParameters.ml_dsa_65;
      case ML_DSA_87:
        return MLDSAParameters.ml_dsa_87;
      case HASH_ML_DSA_44_SHA512:
        return MLDSAParameters.ml_dsa_44_with_sha512;
      case HASH_ML_DSA_65_SHA512:
        return MLDSAParameters.ml_dsa_65_with_sha512;
      case HASH_ML_DSA_87_SHA512:
        return MLDSAParameters.ml_dsa_87_with_sha512;
      default:
        return null;
    }
  }

  static SLHDSAParameters slhDsa(Algorithm algorithm) {
    switch (algorithm) {
      case SLH_DSA_SHA2_128S:
        return SLHDSAParameters.sha2_128s;
      case SLH_DSA_SHAKE_128F:
        return SLHDSAParameters.shake_128f;
      default:
        return null;
    }
  }

  /** Fresh material, encoded as the store keeps it. */
  static Keys.Material generate(Algorithm algorithm) {
    try {
      MLDSAParameters mlDsa = mlDsa(algorithm);
      if (mlDsa != null) {
        return mlDsaMaterial(new MLDSAPrivateKeyParameters(mlDsa, Randomness.bytes(32)));
      }
      SLHDSAParameters slhDsa = slhDsa(algorithm);
      if (slhDsa != null) {
        SLHDSAKeyPairGenerator generator = new SLHDSAKeyPairGenerator();
        generator.init(new SLHDSAKeyGenerationParameters(Randomness.secureRandom(), slhDsa));
        AsymmetricCipherKeyPair pair = generator.generateKeyPair();
        return material(pair.getPrivate(), pair.getPublic());
      }
      if (algorithm == Algorithm.ML_KEM_1024) {
        return mlKemMaterial(
            new MLKEMPrivateKeyParameters(
                MLKEMParameters.ml_kem_1024, Randomness.bytes(ML_KEM_SEED_BYTES)));
      }
      XWingKem.Keys keys = XWingKem.fromSeed(Randomness.bytes(X_WING_SEED_BYTES));
      return xWingMaterial(keys);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a new " + algorithm + " key", e);
    }
  }

  /**
   * Checks an imported PKCS#8 private key and returns it as the store keeps it, with its public
   * key.
   *
   * @throws InvalidKeyMaterialException if it is malformed, of another algorithm, or inconsistent
   */
  static Keys.Material validatePrivate(Algorithm algorithm, byte[] pkcs8) throws IOException {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(pkcs8);
    ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
    checkNoParameters(info.getPrivateKeyAlgorithm());
    if (algorithm == Algorithm.ML_KEM_768_X25519 && oid.equals(COMPOSITE_MLKEM768_X25519)) {
      Keys.Material material = xWingComponents(info.getPrivateKey().getOctets());
      checkCarriedPublicKey(info, material.publicKeySpki(), algorithm);
      return material;
    }
    checkOid(algorithm, oid);
    Keys.Material material;
    if (algorithm == Algorithm.ML_KEM_768_X25519) {
      byte[] seed = info.getPrivateKey().getOctets();
      if (seed.length != X_WING_SEED_BYTES) {
        throw new InvalidKeyMaterialException(
            "an X-Wing private key is a " + X_WING_SEED_BYTES + "-byte seed, not " + seed.length);
      }
      material = xWingMaterial(XWingKem.fromSeed(seed));
    } else {
      AsymmetricKeyParameter key = parsePrivate(info, algorithm);
      if (key instanceof MLDSAPrivateKeyParameters) {
        MLDSAPrivateKeyParameters mlDsa = (MLDSAPrivateKeyParameters) key;
        if (mlDsa.getSeed() == null) {
          checkExpandedMlDsa(algorithm, mlDsa);
        }
        material = mlDsaMaterial(mlDsa);
      } else if (key instanceof SLHDSAPrivateKeyParameters) {
        checkSlhDsa(algorithm, (SLHDSAPrivateKeyParameters) key);
        SLHDSAPrivateKeyParameters slhDsa = (SLHDSAPrivateKeyParameters) key;
        material =
            material(
                key, new SLHDSAPublicKeyParameters(slhDsa.getParameters(), slhDsa.getPublicKey()));
      } else if (key instanceof MLKEMPrivateKeyParameters) {
        material = mlKemMaterial((MLKEMPrivateKeyParameters) key);
      } else {
        throw new InvalidKeyMaterialException(
            "PKCS#8 material is not a " + algorithm + " private key");
      }
    }
    checkCarriedPublicKey(info, material.publicKeySpki(), algorithm);
    return material;
  }

  /**
   * Checks an imported SubjectPublicKeyInfo and returns it as the store keeps it (X-Wing under its
   * own OID, whichever of the two it came under).
   */
  static byte[] validatePublic(Algorithm algorithm, byte[] spki) throws IOException {
    SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(spki);
    ASN1ObjectIdentifier oid = info.getAlgorithm().getAlgorithm();
    checkNoParameters(info.getAlgorithm());
    byte[] raw = info.getPublicKeyData().getOctets();
    if (algorithm == Algorithm.ML_KEM_768_X25519) {
      if (!oid.equals(X_WING) && !oid.equals(COMPOSITE_MLKEM768_X25519)) {
        checkOid(algorithm, oid);
      }
      XWingKem.checkPublicKey(raw);
      return xWingSpki(raw);
    }
    checkOid(algorithm, oid);
    AsymmetricKeyParameter key;
    try {
      key = PublicKeyFactory.createKey(info);
    } catch (RuntimeException e) {
      throw new InvalidKeyMaterialException(
          "not a valid " + algorithm + " public key: " + e.getMessage(), e);
    }
    if (key instanceof MLDSAPublicKeyParameters) {
      checkLength(algorithm, raw.length, mlDsaPublicKeyBytes(mlDsa(algorithm)), "public key");
    } else if (key instanceof SLHDSAPublicKeyParameters) {
      checkLength(algorithm, raw.length, 2 * slhDsa(algorithm).getN(), "public key");
    } else if (key instanceof MLKEMPublicKeyParameters) {
      checkLength(algorithm, raw.length, 1568, "public key");
    }
    return SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key).getEncoded();
  }

  /** The raw public key inside an SPKI of {@code algorithm} (what a JWK's {@code pub} holds). */
  static byte[] rawPublicKey(byte[] spki) {
    return SubjectPublicKeyInfo.getInstance(spki).getPublicKeyData().getOctets();
  }

  // ---------------------------------------------------------------- encodings

  private static Keys.Material mlDsaMaterial(MLDSAPrivateKeyParameters key) throws IOException {
    MLDSAPrivateKeyParameters stored =
        key.getParametersWithFormat(
            key.getSeed() != null
                ? MLDSAPrivateKeyParameters.SEED_ONLY
                : MLDSAPrivateKeyParameters.EXPANDED_KEY);
    return material(stored, key.getPublicKeyParameters());
  }

  private static Keys.Material mlKemMaterial(MLKEMPrivateKeyParameters key) throws IOException {
    MLKEMPrivateKeyParameters stored =
        key.getParametersWithFormat(
            key.getSeed() != null
                ? MLKEMPrivateKeyParameters.SEED_ONLY
                : MLKEMPrivateKeyParameters.EXPANDED_KEY);
    return material(stored, key.getPublicKeyParameters());
  }

  private static Keys.Material material(
      AsymmetricKeyParameter privateKey, AsymmetricKeyParameter publicKey) throws IOException {
    return new Keys.Material(
        Form.PRIVATE_PKCS8,
        PrivateKeyInfoFactory.createPrivateKeyInfo(privateKey).getEncoded(),
        SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(publicKey).getEncoded());
  }

  private static Keys.Material xWingMaterial(XWingKem.Keys keys) throws IOException {
    byte[] pkcs8 = pkcs8(X_WING, keys.seed());
    return new Keys.Material(Form.PRIVATE_PKCS8, pkcs8, xWingSpki(keys.publicKey()));
  }

  /** The composite form: ML-KEM-768 seed (64 bytes) then X25519 private key (32 bytes). */
  private static Keys.Material xWingComponents(byte[] body) throws IOException {
    if (body.length != ML_KEM_SEED_BYTES + X25519_BYTES) {
      throw new InvalidKeyMaterialException(
          "a composite ML-KEM-768 + X25519 private key is the 64-byte ML-KEM seed and the 32-byte"
              + " X25519 private key, "
              + (ML_KEM_SEED_BYTES + X25519_BYTES)
              + " bytes, not "
              + body.length);
    }
    XWingKem.Keys keys = XWingKem.fromComponents(body);
    byte[] pkcs8 = pkcs8(COMPOSITE_MLKEM768_X25519, body);
    return new Keys.Material(Form.PRIVATE_PKCS8, pkcs8, xWingSpki(keys.publicKey()));
  }

  /** PKCS#8 v1 whose privateKey OCTET STRING holds {@code raw} itself (no inner encoding). */
  private static byte[] pkcs8(ASN1ObjectIdentifier oid, byte[] raw) throws IOException {
    ASN1EncodableVector fields = new ASN1EncodableVector();
    fields.add(new ASN1Integer(0));
    fields.add(new AlgorithmIdentifier(oid));
    fields.add(new DEROctetString(raw));
    return new DERSequence(fields).getEncoded();
  }

  static byte[] xWingSpki(byte[] raw) throws IOException {
    return new SubjectPublicKeyInfo(new AlgorithmIdentifier(X_WING), raw).getEncoded();
  }

  // ---------------------------------------------------------------- checks

  private static AsymmetricKeyParameter parsePrivate(PrivateKeyInfo info, Algorithm algorithm)
      throws IOException {
    try {
      return PrivateKeyFactory.createKey(info);
    } catch (RuntimeException e) {
      // Bouncy Castle says "inconsistent ... private key" when seed and expanded key disagree,
      // "fails hash check" when an expanded ML-KEM key carries another key's hash
      throw new InvalidKeyMaterialException(
          "not a valid " + algorithm + " private key: " + e.getMessage(), e);
    }
  }

  private static void checkOid(Algorithm algorithm, ASN1ObjectIdentifier oid) {
    if (!oid.equals(oid(algorithm))) {
      throw new InvalidKeyMaterialException(
          algorithm + " needs a key with OID " + oid(algorithm) + ", not " + oid);
    }
  }

  /** RFC 9881, 9909 and the ML-KEM RFC: the parameters field is absent (NULL is tolerated). */
  private static void checkNoParameters(AlgorithmIdentifier identifier) {
    if (identifier.getParameters() != null
        && !DERNull.INSTANCE.equals(identifier.getParameters())) {
      throw new InvalidKeyMaterialException(
          "the algorithm identifier " + identifier.getAlgorithm() + " must have no parameters");
    }
  }

  private static void checkLength(Algorithm algorithm, int actual, int expected, String what) {
    if (actual != expected) {
      throw new InvalidKeyMaterialException(
          algorithm + " " + what + "s are " + expected + " bytes, not " + actual);
    }
  }

  /** FIPS 204, table 2: 32 + 320 k bytes. */
  private static int mlDsaPublicKeyBytes(MLDSAParameters parameters) {
    return 32 + 320 * rows(parameters);
  }

  /** FIPS 204's k: the rows of the matrix A (4, 6, 8 for ML-DSA-44, -65, -87). */
  private static int rows(MLDSAParameters parameters) {
    String name = parameters.getName();
    return name.contains("44") ? 4 : name.contains("65") ? 6 : 8;
  }

  /** A public key carried in the PKCS#8 (v2 {@code publicKey} field) must be the private key's. */
  private static void checkCarriedPublicKey(
      PrivateKeyInfo info, byte[] derivedSpki, Algorithm algorithm) {
    if (info.hasPublicKey()
        && !MessageDigest.isEqual(info.getPublicKeyData().getOctets(), rawPublicKey(derivedSpki))) {
      throw inconsistent(algorithm, "the public key it carries is not the private key's");
    }
  }

  /**
   * An expanded ML-DSA key (no seed): {@code s1} and {@code s2} within {@code [-eta, eta]}, {@code
   * tr} the hash of the public key they give, and a signature it makes verifies under that key
   * (which also covers {@code t0}, used only in signing).
   */
  private static void checkExpandedMlDsa(Algorithm algorithm, MLDSAPrivateKeyParameters key) {
    MLDSAParameters parameters = key.getParameters();
    int eta = rows(parameters) == 6 ? 4 : 2; // ML-DSA-65: eta 4; ML-DSA-44 and -87: eta 2
    if (!coefficientsInRange(key.getS1(), eta) || !coefficientsInRange(key.getS2(), eta)) {
      throw inconsistent(algorithm, "a secret vector (s1 or s2) has coefficients out of range");
    }
    byte[] publicKey = key.getPublicKey();
    byte[] tr = new byte[64];
    SHAKEDigest shake = new SHAKEDigest(256);
    shake.update(publicKey, 0, publicKey.length);
    shake.doFinal(tr, 0, tr.length);
    if (!MessageDigest.isEqual(tr, key.getTr())) {
      throw inconsistent(algorithm, "tr is not the hash of the public key");
    }
    try {
      boolean verifies;
      if (parameters.isPreHash()) {
        HashMLDSASigner signer = new HashMLDSASigner();
        signer.init(true, new ParametersWithRandom(key, Randomness.secureRandom()));
        signer.update(CONSISTENCY_MESSAGE, 0, CONSISTENCY_MESSAGE.length);
        byte[] signature = signer.generateSignature();
        signer.init(false, key.getPublicKeyParameters());
        signer.update(CONSISTENCY_MESSAGE, 0, CONSISTENCY_MESSAGE.length);
        verifies = signer.verifySignature(signature);
      } else {
        MLDSASigner signer = new MLDSASigner();
        signer.init(true, new ParametersWithRandom(key, Randomness.secureRandom()));
        signer.update(CONSISTENCY_MESSAGE, 0, CONSISTENCY_MESSAGE.length);
        byte[] signature = signer.generateSignature();
        signer.init(false, key.getPublicKeyParameters());
        signer.update(CONSISTENCY_MESSAGE, 0, CONSISTENCY_MESSAGE.length);
        verifies = signer.verifySignature(signature);
      }
      if (!verifies) {
        throw inconsistent(algorithm, "its signatures do not verify under its public key");
      }
    } catch (org.bouncycastle.crypto.CryptoException | RuntimeException e) {
      if (e instanceof InvalidKeyMaterialException) {
        throw (InvalidKeyMaterialException) e;
      }
      throw inconsistent(algorithm, "it cannot sign: " + e.getMessage());
    }
  }

  /**
   * Whether every coefficient packed in {@code packed} (FIPS 204's BitPack with bounds {@code eta},
   * {@code eta}: {@code eta - c} stored in 3 bits for eta 2, 4 bits for eta 4) lies in {@code
   * [-eta, eta]}, i.e. its stored value is at most {@code 2 * eta}.
   */
  static boolean coefficientsInRange(byte[] packed, int eta) {
    int bits = eta == 2 ? 3 : 4;
    int count = packed.length * 8 / bits;
    for (int i = 0; i < count; i++) {
      int bit = i * bits;
      int word = packed[bit >>> 3] & 0xff;
      if ((bit >>> 3) + 1 < packed.length) {
        word |= (packed[(bit >>> 3) + 1] & 0xff) << 8;
      }
      int value = (word >>> (bit & 7)) & ((1 << bits) - 1);
      if (value > 2 * eta) {
        return false;
      }
    }
    return true;
  }

  /**
   * An SLH-DSA key's {@code PK.root} must be the root that {@code SK.seed} and {@code PK.seed}
   * give.
   */
  private static void checkSlhDsa(Algorithm algorithm, SLHDSAPrivateKeyParameters key) {
    if (!key.getParameters().equals(slhDsa(algorithm))) {
      throw new InvalidKeyMaterialException("PKCS#8 material is not a " + algorithm + " key");
    }
    SLHDSAKeyPairGenerator generator = new SLHDSAKeyPairGenerator();
    generator.init(new SLHDSAKeyGenerationParameters(null, key.getParameters()));
    AsymmetricCipherKeyPair derived =
        generator.internalGenerateKeyPair(key.getSeed(), key.getPrf(), key.getPublicSeed());
    byte[] root = ((SLHDSAPublicKeyParameters) derived.getPublic()).getRoot();
    if (!MessageDigest.isEqual(root, key.getRoot())) {
      throw inconsistent(algorithm, "PK.root is not the root its seeds give");
    }
  }

  private static InvalidKeyMaterialException inconsistent(Algorithm algorithm, String why) {
    return new InvalidKeyMaterialException("inconsistent " + algorithm + " private key: " + why);
  }
}
