package dev.hsm.internal.crypto;

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
 * ECDSA (P1363 {@code r||s} signatures), Ed25519, RSA PKCS#1 v1.5 and PSS on a JCA provider: for
 * software custody the one {@link CryptoEngines} chose (Bouncy Castle for EC and Ed25519 and the
 * JDK's SunRsaSign for RSA, or the native provider); for hsm-pkcs11 the token's SunPKCS11, with the
 * token's private key object. The private key is absent for an imported public key.
 *
 * <p>Public only so that hsm-pkcs11 runs its token keys through the same engines; internal, not
 * API.
 */
public final class SignatureKey implements KeyOperations {
  private static final byte[] NO_PREFIX = new byte[0];

  private final Algorithm algorithm;
  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final Provider provider;
  private final String jcaName;
  private final PSSParameterSpec pss;
  private final String where;

  /**
   * One engine per thread and key, initialised once: key set-up (for the native provider, turning
   * the key into a native object) costs as much as a signature. A completed {@code sign} or {@code
   * verify} leaves the engine initialised with the same key, as the JCA specifies.
   */
  private final ThreadLocal<Signature> signer = ThreadLocal.withInitial(this::newSigner);

  private final ThreadLocal<Signature> verifier = ThreadLocal.withInitial(this::newVerifier);

  SignatureKey(
      CryptoEngines engines, Algorithm algorithm, PrivateKey privateKey, PublicKey publicKey) {
    this(
        algorithm,
        engines.provider(algorithm),
        engines.signatureName(algorithm),
        privateKey,
        publicKey,
        "");
  }

  /**
   * A key whose engines are {@code jcaName} on {@code provider} (with the PSS parameters the
   * algorithm names).
   *
   * @param where where the key is, for failure messages: {@code ""} in software, {@code " in the
   *     token"} for a token's key object
   */
  public SignatureKey(
      Algorithm algorithm,
      Provider provider,
      String jcaName,
      PrivateKey privateKey,
      PublicKey publicKey,
      String where) {
    this.algorithm = algorithm;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.provider = provider;
    this.jcaName = jcaName;
    this.pss = pssParameters(algorithm);
    this.where = where;
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

  private Signature newSigner() {
    try {
      Signature signature = engine();
      // The thread's own CSPRNG: the engine belongs to this thread (ECDSA and PSS need randomness).
      // A token's provider ignores it and draws from the token.
      signature.initSign(privateKey, Randomness.secureRandom());
      return signature;
    } catch (GeneralSecurityException e) {
      throw new HsmException(algorithm + " signing key" + where + " cannot be initialised", e);
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

  /** Feeds the two parts in turn: no copy of {@code data}. */
  @Override
  public byte[] sign(byte[] prefix, byte[] data) {
    try {
      Signature signature = signer.get();
      signature.update(prefix);
      signature.update(data);
      return signature.sign(); // resets the engine to its initialised state, ready for the next
    } catch (GeneralSecurityException | RuntimeException e) {
      signer.remove(); // its state is unknown now
      throw signingFailed(e);
    }
  }

  /** Its own engine, not the thread's: a stream may be fed from several calls, even threads. */
  @Override
  public StreamSigner newStreamSigner() {
    Signature signature = newSigner();
    return new StreamSigner() {
      @Override
      public void update(byte[] data, int offset, int length) {
        try {
          signature.update(data, offset, length);
        } catch (GeneralSecurityException | RuntimeException e) {
          throw signingFailed(e);
        }
      }

      @Override
      public byte[] sign() {
        try {
          return signature.sign();
        } catch (GeneralSecurityException | RuntimeException e) {
          throw signingFailed(e);
        }
      }
    };
  }

  private HsmException signingFailed(Exception cause) {
    return new HsmException(algorithm + " signing" + where + " failed", cause);
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
      // Providers report some malformed signatures by exception instead of false, and may leave
      // the engine in an unknown state.
      verifier.remove();
      return false;
    }
  }
}
