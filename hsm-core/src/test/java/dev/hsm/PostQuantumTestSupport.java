package dev.hsm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.Signer;
import org.bouncycastle.crypto.generators.MLDSAKeyPairGenerator;
import org.bouncycastle.crypto.generators.SLHDSAKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.MLDSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.SLHDSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.SLHDSAParameters;
import org.bouncycastle.crypto.signers.HashMLDSASigner;
import org.bouncycastle.crypto.signers.MLDSASigner;
import org.bouncycastle.crypto.signers.SLHDSASigner;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * An outside party for the post-quantum signature tests: Bouncy Castle's low-level signers (not the
 * JCA provider the library signs with), fed keys from their standard encodings only.
 */
public final class PostQuantumTestSupport {
  private PostQuantumTestSupport() {}

  /** Bouncy Castle's ML-DSA parameters for a (Hash)ML-DSA algorithm, or {@code null}. */
  public static MLDSAParameters mlDsa(Algorithm algorithm) {
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

  /** Bouncy Castle's SLH-DSA parameters for an SLH-DSA algorithm, or {@code null}. */
  public static SLHDSAParameters slhDsa(Algorithm algorithm) {
    switch (algorithm) {
      case SLH_DSA_SHA2_128S:
        return SLHDSAParameters.sha2_128s;
      case SLH_DSA_SHAKE_128F:
        return SLHDSAParameters.shake_128f;
      default:
        return null;
    }
  }

  /** A key pair made outside the library. */
  public static AsymmetricCipherKeyPair keyPair(Algorithm algorithm) {
    if (mlDsa(algorithm) != null) {
      MLDSAKeyPairGenerator generator = new MLDSAKeyPairGenerator();
      generator.init(new MLDSAKeyGenerationParameters(new SecureRandom(), mlDsa(algorithm)));
      return generator.generateKeyPair();
    }
    SLHDSAKeyPairGenerator generator = new SLHDSAKeyPairGenerator();
    generator.init(new SLHDSAKeyGenerationParameters(new SecureRandom(), slhDsa(algorithm)));
    return generator.generateKeyPair();
  }

  /** Whether {@code signature} is a valid standard signature of {@code message}, empty context. */
  public static boolean verifies(
      Algorithm algorithm, byte[] spki, byte[] message, byte[] signature) {
    AsymmetricKeyParameter publicKey;
    try {
      publicKey = PublicKeyFactory.createKey(spki);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (slhDsa(algorithm) != null) {
      SLHDSASigner signer = new SLHDSASigner();
      signer.init(false, publicKey);
      return signer.verifySignature(message, signature);
    }
    Signer signer = mlDsa(algorithm).isPreHash() ? new HashMLDSASigner() : new MLDSASigner();
    signer.init(false, publicKey);
    signer.update(message, 0, message.length);
    return signer.verifySignature(signature);
  }

  /** A standard signature (empty context) of {@code message} by {@code privateKey}. */
  public static byte[] sign(
      Algorithm algorithm, AsymmetricKeyParameter privateKey, byte[] message) {
    CipherParameters parameters = new ParametersWithRandom(privateKey, new SecureRandom());
    if (slhDsa(algorithm) != null) {
      SLHDSASigner signer = new SLHDSASigner();
      signer.init(true, parameters);
      return signer.generateSignature(message);
    }
    Signer signer = mlDsa(algorithm).isPreHash() ? new HashMLDSASigner() : new MLDSASigner();
    signer.init(true, parameters);
    signer.update(message, 0, message.length);
    try {
      return signer.generateSignature();
    } catch (CryptoException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The DER body of a {@code -----BEGIN PUBLIC KEY-----} PEM. */
  public static byte[] spki(String pem) {
    return Base64.getMimeDecoder()
        .decode(
            pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", ""));
  }

  /** The raw public key in an SPKI. */
  public static byte[] rawPublicKey(byte[] spki) {
    return SubjectPublicKeyInfo.getInstance(spki).getPublicKeyData().getOctets();
  }
}
