package dev.hsm.internal.crypto;

import dev.hsm.Algorithm;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;

/**
 * ECDSA (P1363 {@code r||s} signatures) and Ed25519 with Bouncy Castle; RSA PKCS#1 v1.5 and PSS
 * with the JDK's SunRsaSign. The private key is absent for an imported public key.
 */
final class SignatureKey implements CryptoKey {
  private final Algorithm algorithm;
  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final Provider provider;
  private final String jcaName;
  private final PSSParameterSpec pss;

  SignatureKey(Algorithm algorithm, PrivateKey privateKey, PublicKey publicKey) {
    this.algorithm = algorithm;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    switch (algorithm) {
      case ECDSA_P256_SHA256:
        this.jcaName = "SHA256withPLAIN-ECDSA";
        break;
      case ECDSA_P384_SHA384:
        this.jcaName = "SHA384withPLAIN-ECDSA";
        break;
      case ECDSA_P521_SHA512:
        this.jcaName = "SHA512withPLAIN-ECDSA";
        break;
      case ED25519:
        this.jcaName = "Ed25519";
        break;
      case RSA_PKCS1_SHA256:
        this.jcaName = "SHA256withRSA";
        break;
      case RSA_PKCS1_SHA384:
        this.jcaName = "SHA384withRSA";
        break;
      case RSA_PKCS1_SHA512:
        this.jcaName = "SHA512withRSA";
        break;
      case RSA_PSS_SHA256:
      case RSA_PSS_SHA384:
      case RSA_PSS_SHA512:
        this.jcaName = "RSASSA-PSS";
        break;
      default:
        throw new IllegalArgumentException(algorithm + " is not a signature algorithm");
    }
    this.provider = algorithm.isRsa() ? Providers.SUN_RSA_SIGN : Providers.BOUNCY_CASTLE;
    this.pss = pssParameters(algorithm);
  }

  private static PSSParameterSpec pssParameters(Algorithm algorithm) {
    switch (algorithm) {
      case RSA_PSS_SHA256:
        return new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
      case RSA_PSS_SHA384:
        return new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA384, 48, 1);
      case RSA_PSS_SHA512:
        return new PSSParameterSpec("SHA-512", "MGF1", MGF1ParameterSpec.SHA512, 64, 1);
      default:
        return null;
    }
  }

  private Signature engine() throws GeneralSecurityException {
    Signature signature = Signature.getInstance(jcaName, provider);
    if (pss != null) {
      signature.setParameter(pss);
    }
    return signature;
  }

  @Override
  public Algorithm algorithm() {
    return algorithm;
  }

  @Override
  public boolean hasPrivatePart() {
    return privateKey != null;
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public byte[] sign(byte[] data) {
    try {
      Signature signature = engine();
      signature.initSign(privateKey, Randomness.secureRandom());
      signature.update(data);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " signing failed", e);
    }
  }

  @Override
  public boolean verify(byte[] data, byte[] envelope, int offset) {
    try {
      Signature signature = engine();
      signature.initVerify(publicKey);
      signature.update(data);
      return signature.verify(Arrays.copyOfRange(envelope, offset, envelope.length));
    } catch (GeneralSecurityException | RuntimeException e) {
      // Providers report some malformed signatures by exception instead of false.
      return false;
    }
  }
}
