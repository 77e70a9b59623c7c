package dev.hsm.internal.crypto;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyMaterial.Form;
import dev.hsm.KeySpec;
import dev.hsm.spi.KeyOperations;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/**
 * Generates key material inside the library, validates imported material, and turns stored material
 * back into a {@link KeyOperations}. Material is always encoded the same way: raw bytes for secret
 * keys, PKCS#8 DER for private keys, X.509 SubjectPublicKeyInfo DER for public keys.
 */
public final class Keys {
  /** Symmetric AEAD keys are 256 bits. */
  public static final int AEAD_KEY_BYTES = 32;

  /** The longest HMAC key an import takes; the shortest is the hash's output ({@link MacKey}). */
  private static final int MAX_HMAC_KEY_BYTES = 1024;

  private Keys() {}

  /** Encoded key material and, for asymmetric keys, the public key's SPKI DER. */
  public record Material(Form form, byte[] encoded, byte[] publicKeySpki) {}

  /** Generates fresh key material for {@code spec} with the library's CSPRNG. */
  public static Material generate(KeySpec spec) {
    Algorithm algorithm = spec.algorithm();
    switch (algorithm.kind()) {
      case AEAD:
        return new Material(Form.SECRET, Randomness.bytes(AEAD_KEY_BYTES), null);
      case MAC:
        return new Material(Form.SECRET, Randomness.bytes(MacKey.tagBytes(algorithm)), null);
      default:
        if (algorithm.isPostQuantum()) {
          return PostQuantumKeys.generate(algorithm);
        }
        KeyPair pair = generateKeyPair(spec);
        return new Material(
            Form.PRIVATE_PKCS8, pair.getPrivate().getEncoded(), pair.getPublic().getEncoded());
    }
  }

  private static KeyPair generateKeyPair(KeySpec spec) {
    try {
      KeyPairGenerator generator;
      Algorithm algorithm = spec.algorithm();
      if (algorithm.isRsa()) {
        generator = KeyPairGenerator.getInstance("RSA", Providers.SUN_RSA_SIGN);
        generator.initialize(
            new RSAKeyGenParameterSpec(spec.rsaModulusBits(), RSAKeyGenParameterSpec.F4),
            Randomness.secureRandom());
      } else if (algorithm == Algorithm.ED25519) {
        generator = KeyPairGenerator.getInstance("Ed25519", Providers.BOUNCY_CASTLE);
        generator.initialize(255, Randomness.secureRandom());
      } else {
        generator = KeyPairGenerator.getInstance("EC", Providers.BOUNCY_CASTLE);
        generator.initialize(
            new ECGenParameterSpec(curveName(algorithm)), Randomness.secureRandom());
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new HsmException("cannot generate a " + spec.algorithm() + " key", e);
    }
  }

  /**
   * Checks imported material against {@code spec} and returns it in canonical encoding.
   *
   * @throws InvalidKeyMaterialException if it is malformed or does not fit the spec
   */
  public static Material validateImport(KeySpec spec, Form form, byte[] encoded) {
    Algorithm algorithm = spec.algorithm();
    if (!algorithm.isAsymmetric()) {
      if (form != Form.SECRET) {
        throw new InvalidKeyMaterialException(
            algorithm + " needs raw secret key bytes, not " + form);
      }
      checkSecretLength(algorithm, encoded.length);
      return new Material(Form.SECRET, encoded.clone(), null);
    }
    if (form == Form.SECRET) {
      throw new InvalidKeyMaterialException(
          algorithm + " needs a PKCS#8 private key or an X.509 public key, not raw bytes");
    }
    try {
      if (algorithm.isPostQuantum()) {
        if (form == Form.PRIVATE_PKCS8) {
          return PostQuantumKeys.validatePrivate(algorithm, encoded);
        }
        byte[] spki = PostQuantumKeys.validatePublic(algorithm, encoded);
        return new Material(Form.PUBLIC_X509, spki, spki.clone());
      }
      if (form == Form.PRIVATE_PKCS8) {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(encoded);
        AsymmetricKeyParameter privateKey = PrivateKeyFactory.createKey(info);
        AsymmetricKeyParameter publicKey = checkAndDerivePublic(spec, privateKey);
        KeyConsistency.checkEmbeddedPublicKey(info, publicKey);
        // Stored as what was checked, encoded anew: the JDK's RSA reader keeps the input's own
        // encoding, which a stricter reader (the native provider's) may refuse at first use.
        byte[] canonical = PrivateKeyInfoFactory.createPrivateKeyInfo(privateKey).getEncoded();
        Providers.pureJavaKeyFactory(algorithm).generatePrivate(new PKCS8EncodedKeySpec(canonical));
        byte[] spki =
            SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(publicKey).getEncoded();
        return new Material(Form.PRIVATE_PKCS8, canonical, spki);
      }
      AsymmetricKeyParameter publicKey = PublicKeyFactory.createKey(encoded);
      checkPublic(spec, publicKey);
      byte[] spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(publicKey).getEncoded();
      Providers.pureJavaKeyFactory(algorithm).generatePublic(new X509EncodedKeySpec(spki));
      return new Material(Form.PUBLIC_X509, spki, spki.clone()); // the custody wipes the first
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (e instanceof InvalidKeyMaterialException) {
        throw (InvalidKeyMaterialException) e;
      }
      throw new InvalidKeyMaterialException(
          "cannot read the " + form + " material as a " + algorithm + " key: " + e.getMessage(), e);
    }
  }

  private static void checkSecretLength(Algorithm algorithm, int length) {
    if (algorithm.kind() == Algorithm.Kind.AEAD && length != AEAD_KEY_BYTES) {
      throw new InvalidKeyMaterialException(
          algorithm + " keys are " + AEAD_KEY_BYTES + " bytes, not " + length);
    }
    // RFC 2104, section 3: keys shorter than the hash output are "strongly discouraged".
    if (algorithm.kind() == Algorithm.Kind.MAC
        && (length < MacKey.tagBytes(algorithm) || length > MAX_HMAC_KEY_BYTES)) {
      throw new InvalidKeyMaterialException(
          algorithm
              + " keys must be "
              + MacKey.tagBytes(algorithm)
              + " (the hash's output length) to "
              + MAX_HMAC_KEY_BYTES
              + " bytes, not "
              + length);
    }
  }

  private static AsymmetricKeyParameter checkAndDerivePublic(
      KeySpec spec, AsymmetricKeyParameter privateKey) {
    if (!privateKey.isPrivate()) {
      throw new InvalidKeyMaterialException("PKCS#8 material does not hold a private key");
    }
    AsymmetricKeyParameter publicKey;
    if (privateKey instanceof ECPrivateKeyParameters) {
      ECPrivateKeyParameters ec = (ECPrivateKeyParameters) privateKey;
      BigInteger d = ec.getD();
      if (d.signum() <= 0 || d.compareTo(ec.getParameters().getN()) >= 0) {
        throw new InvalidKeyMaterialException("EC private scalar is out of range");
      }
      publicKey =
          new ECPublicKeyParameters(
              ec.getParameters().getG().multiply(d).normalize(), ec.getParameters());
    } else if (privateKey instanceof Ed25519PrivateKeyParameters) {
      publicKey = ((Ed25519PrivateKeyParameters) privateKey).generatePublicKey();
    } else if (privateKey instanceof RSAPrivateCrtKeyParameters) {
      RSAPrivateCrtKeyParameters rsa = (RSAPrivateCrtKeyParameters) privateKey;
      KeyConsistency.checkRsa(rsa);
      publicKey = new RSAKeyParameters(false, rsa.getModulus(), rsa.getPublicExponent());
    } else {
      throw new InvalidKeyMaterialException(
          "unsupported private key type " + privateKey.getClass().getSimpleName());
    }
    checkPublic(spec, publicKey);
    return publicKey;
  }

  private static void checkPublic(KeySpec spec, AsymmetricKeyParameter publicKey) {
    Algorithm algorithm = spec.algorithm();
    if (algorithm.isRsa()) {
      if (!(publicKey instanceof RSAKeyParameters)) {
        throw new InvalidKeyMaterialException(algorithm + " needs an RSA key");
      }
      KeyConsistency.checkRsaPublic((RSAKeyParameters) publicKey);
      int bits = ((RSAKeyParameters) publicKey).getModulus().bitLength();
      if (bits != spec.rsaModulusBits()) {
        throw new InvalidKeyMaterialException(
            "the RSA key has a "
                + bits
                + "-bit modulus but the spec says "
                + spec.rsaModulusBits());
      }
    } else if (algorithm == Algorithm.ED25519) {
      if (!(publicKey instanceof Ed25519PublicKeyParameters)) {
        throw new InvalidKeyMaterialException(algorithm + " needs an Ed25519 key");
      }
    } else {
      if (!(publicKey instanceof ECPublicKeyParameters)
          || !(((ECPublicKeyParameters) publicKey).getParameters()
              instanceof ECNamedDomainParameters)) {
        throw new InvalidKeyMaterialException(
            algorithm + " needs an EC key on the named curve " + curveName(algorithm));
      }
      ASN1ObjectIdentifier curve =
          ((ECNamedDomainParameters) ((ECPublicKeyParameters) publicKey).getParameters()).getName();
      if (!curve.equals(curveOid(algorithm))) {
        throw new InvalidKeyMaterialException(
            algorithm + " needs a key on " + curveName(algorithm) + ", not curve " + curve);
      }
    }
  }

  /**
   * A stored or given public key's SPKI in the encoding the pure-Java providers give it (what key
   * ids hash; see {@link PublicKeyExport#keyId}).
   */
  static byte[] canonicalSpki(Algorithm algorithm, byte[] spki) throws GeneralSecurityException {
    if (algorithm.isPostQuantum()) {
      try {
        return PostQuantumKeys.validatePublic(algorithm, spki);
      } catch (IOException | RuntimeException e) {
        throw new GeneralSecurityException("not a " + algorithm + " public key", e);
      }
    }
    return Providers.pureJavaKeyFactory(algorithm)
        .generatePublic(new X509EncodedKeySpec(spki))
        .getEncoded();
  }

  /**
   * Rebuilds a usable key from stored material.
   *
   * @param engines the providers to run the key's operations on
   * @param publicKeySpki the public key for private material (stored beside it, so loading needs no
   *     point multiplication); ignored for other forms
   */
  public static KeyOperations load(
      CryptoEngines engines, Algorithm algorithm, Form form, byte[] encoded, byte[] publicKeySpki)
      throws GeneralSecurityException {
    switch (algorithm.kind()) {
      case AEAD:
        return algorithm == Algorithm.AES_256_GCM_SIV
            ? new DeterministicAeadKey(encoded)
            : new AeadKey(engines, algorithm, encoded);
      case MAC:
        return new MacKey(algorithm, encoded);
      case HYBRID_ENCRYPTION:
        byte[] spki = form == Form.PUBLIC_X509 ? encoded : publicKeySpki;
        byte[] pkcs8 = form == Form.PRIVATE_PKCS8 ? encoded : null;
        try {
          return new HpkeKey(
              algorithm,
              engines,
              algorithm == Algorithm.ML_KEM_1024
                  ? MlKemKem.load(pkcs8, spki)
                  : XWingKem.load(pkcs8, spki));
        } catch (IOException | RuntimeException e) {
          throw new GeneralSecurityException("cannot load a " + algorithm + " key", e);
        }
      default:
        KeyFactory factory = engines.keyFactory(algorithm);
        PrivateKey privateKey =
            form == Form.PRIVATE_PKCS8
                ? factory.generatePrivate(new PKCS8EncodedKeySpec(encoded))
                : null;
        PublicKey publicKey =
            factory.generatePublic(
                new X509EncodedKeySpec(form == Form.PUBLIC_X509 ? encoded : publicKeySpki));
        return algorithm == Algorithm.RSA_OAEP_SHA256
            ? new RsaOaepKey(privateKey, publicKey)
            : new SignatureKey(engines, algorithm, privateKey, publicKey);
    }
  }

  private static String curveName(Algorithm algorithm) {
    switch (algorithm) {
      case ECDSA_P256_SHA256:
        return "secp256r1";
      case ECDSA_P384_SHA384:
        return "secp384r1";
      case ECDSA_P521_SHA512:
        return "secp521r1";
      default:
        throw new IllegalArgumentException(algorithm + " is not ECDSA");
    }
  }

  private static ASN1ObjectIdentifier curveOid(Algorithm algorithm) {
    switch (algorithm) {
      case ECDSA_P256_SHA256:
        return SECObjectIdentifiers.secp256r1;
      case ECDSA_P384_SHA384:
        return SECObjectIdentifiers.secp384r1;
      default:
        return SECObjectIdentifiers.secp521r1;
    }
  }
}
