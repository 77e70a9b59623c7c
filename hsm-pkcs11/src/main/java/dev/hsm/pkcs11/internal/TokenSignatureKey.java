package dev.hsm.pkcs11.internal;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.spi.KeyOperations;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * ECDSA (P1363 {@code r||s}, as software custody signs), RSA PKCS#1 v1.5 and PSS, signing with the
 * token's private key object and verifying in the token too (SunPKCS11 makes a session object of
 * the public key once per engine). The digest is computed by SunPKCS11 or the token, whichever the
 * token's mechanisms allow; the private key never leaves it.
 */
final class TokenSignatureKey implements KeyOperations {
  private static final byte[] NO_PREFIX = new byte[0];

  private final Algorithm algorithm;
  private final Provider provider;
  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String jcaName;
  private final PSSParameterSpec pss;

  /** One engine per thread and key, initialised once, as software custody does. */
  private final ThreadLocal<Signature> signer = ThreadLocal.withInitial(this::newSigner);

  private final ThreadLocal<Signature> verifier = ThreadLocal.withInitial(this::newVerifier);

  TokenSignatureKey(
      Algorithm algorithm, Provider provider, PrivateKey privateKey, PublicKey publicKey) {
    this.algorithm = algorithm;
    this.provider = provider;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.jcaName = Mechanisms.signatureName(algorithm);
    this.pss = pssParameters(algorithm);
  }

  static PSSParameterSpec pssParameters(Algorithm algorithm) {
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

  private Signature newSigner() {
    try {
      Signature signature = engine();
      signature.initSign(privateKey);
      return signature;
    } catch (GeneralSecurityException e) {
      throw new HsmException(algorithm + " signing key in the token cannot be initialised", e);
    }
  }

  private Signature newVerifier() {
    try {
      Signature signature = engine();
      signature.initVerify(publicKey);
      return signature;
    } catch (GeneralSecurityException e) {
      throw new HsmException(algorithm + " verification key cannot be initialised", e);
    }
  }

  @Override
  public Algorithm algorithm() {
    return algorithm;
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public byte[] sign(byte[] data) {
    return sign(NO_PREFIX, data);
  }

  @Override
  public byte[] sign(byte[] prefix, byte[] data) {
    try {
      Signature signature = signer.get();
      signature.update(prefix);
      signature.update(data);
      return signature.sign();
    } catch (GeneralSecurityException | RuntimeException e) {
      signer.remove(); // its state is unknown now
      throw new HsmException(algorithm + " signing in the token failed", e);
    }
  }

  @Override
  public StreamSigner newStreamSigner() {
    Signature signature = newSigner();
    return new StreamSigner() {
      @Override
      public void update(byte[] data, int offset, int length) {
        try {
          signature.update(data, offset, length);
        } catch (GeneralSecurityException | RuntimeException e) {
          throw new HsmException(algorithm + " signing in the token failed", e);
        }
      }

      @Override
      public byte[] sign() {
        try {
          return signature.sign();
        } catch (GeneralSecurityException | RuntimeException e) {
          throw new HsmException(algorithm + " signing in the token failed", e);
        }
      }
    };
  }

  @Override
  public boolean verify(byte[] data, byte[] envelope, int offset) {
    return verify(NO_PREFIX, data, envelope, offset);
  }

  @Override
  public boolean verify(byte[] prefix, byte[] data, byte[] envelope, int offset) {
    if (offset < 0 || offset >= envelope.length) {
      return false;
    }
    try {
      Signature signature = verifier.get();
      signature.update(prefix);
      signature.update(data);
      return signature.verify(envelope, offset, envelope.length - offset);
    } catch (GeneralSecurityException | RuntimeException e) {
      // Malformed signatures may be reported by exception, and leave the engine in an unknown
      // state.
      verifier.remove();
      return false;
    }
  }
}
