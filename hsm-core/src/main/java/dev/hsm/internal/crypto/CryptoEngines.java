package dev.hsm.internal.crypto;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.NativeCrypto;
import dev.hsm.NativeCryptoUnavailableException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import javax.crypto.Cipher;

/**
 * The providers one client's operations run on, chosen once when it opens ({@link NativeCrypto}):
 * pure Java, or the native provider for the algorithms it is faster at (ECDSA, Ed25519 and RSA
 * signatures, AES-GCM). Everything else, and all key generation and wrapping, stays pure Java, so
 * stores are the same either way.
 */
public final class CryptoEngines {
  /** The JDK's providers and Bouncy Castle only. */
  private static final CryptoEngines PURE_JAVA = new CryptoEngines(null);

  private static final CryptoEngines NATIVE =
      NativeProvider.INSTANCE == null ? null : new CryptoEngines(NativeProvider.INSTANCE);

  /** {@code null} for pure Java. */
  private final Provider nativeProvider;

  /**
   * One AES-GCM engine per thread, re-initialised with key and nonce for every message: {@code
   * Cipher.getInstance} costs more than encrypting 1 KiB. {@code init} resets any state a failed
   * operation left behind.
   */
  private final ThreadLocal<Cipher> gcmEngine;

  private CryptoEngines(Provider nativeProvider) {
    this.nativeProvider = nativeProvider;
    Provider gcm = nativeProvider != null ? nativeProvider : Providers.SUN_JCE;
    this.gcmEngine = ThreadLocal.withInitial(() -> newCipher("AES/GCM/NoPadding", gcm));
  }

  /**
   * The engines for {@code mode}.
   *
   * @throws NativeCryptoUnavailableException if {@code mode} is {@link NativeCrypto#REQUIRED} and
   *     the native provider is unavailable
   */
  public static CryptoEngines select(NativeCrypto mode) {
    switch (mode) {
      case OFF:
        return PURE_JAVA;
      case REQUIRED:
        if (NATIVE == null) {
          throw new NativeCryptoUnavailableException(
              "nativeCrypto is REQUIRED but the native provider is unavailable: "
                  + NativeProvider.UNAVAILABLE_REASON);
        }
        return NATIVE;
      default:
        return NATIVE != null ? NATIVE : PURE_JAVA;
    }
  }

  /** Whether {@code algorithm} runs on the native provider here. */
  boolean runsNative(Algorithm algorithm) {
    return nativeProvider != null
        && ((algorithm.kind() == Algorithm.Kind.SIGNATURE && !algorithm.isPostQuantum())
            || algorithm == Algorithm.AES_256_GCM);
  }

  /** The provider that runs {@code algorithm}'s operations. */
  Provider provider(Algorithm algorithm) {
    if (runsNative(algorithm)) {
      return nativeProvider;
    }
    switch (algorithm.kind()) {
      case SIGNATURE:
        return algorithm.isRsa() ? Providers.SUN_RSA_SIGN : Providers.BOUNCY_CASTLE;
      case AEAD:
        return algorithm == Algorithm.AES_256_GCM_SIV ? Providers.BOUNCY_CASTLE : Providers.SUN_JCE;
      case HYBRID_ENCRYPTION:
        return Providers
            .BOUNCY_CASTLE; // the KEM; the payload's AES-GCM runs where AES_256_GCM does
      default:
        return Providers.SUN_JCE; // HMAC, RSA-OAEP
    }
  }

  /** Name and version of the provider that runs {@code algorithm}, e.g. for logs and benchmarks. */
  public String describe(Algorithm algorithm) {
    Provider provider = provider(algorithm);
    return provider.getName() + " " + provider.getVersionStr();
  }

  /** The JCA signature name of {@code algorithm} on its provider (ECDSA in P1363 {@code r||s}). */
  String signatureName(Algorithm algorithm) {
    boolean nativeEcdsa = runsNative(algorithm);
    switch (algorithm) {
      case ECDSA_P256_SHA256:
        return nativeEcdsa ? "SHA256withECDSAinP1363Format" : "SHA256withPLAIN-ECDSA";
      case ECDSA_P384_SHA384:
        return nativeEcdsa ? "SHA384withECDSAinP1363Format" : "SHA384withPLAIN-ECDSA";
      case ECDSA_P521_SHA512:
        return nativeEcdsa ? "SHA512withECDSAinP1363Format" : "SHA512withPLAIN-ECDSA";
      case ED25519:
        return "Ed25519";
      case RSA_PKCS1_SHA256:
        return "SHA256withRSA";
      case RSA_PKCS1_SHA384:
        return "SHA384withRSA";
      case RSA_PKCS1_SHA512:
        return "SHA512withRSA";
      case RSA_PSS_SHA256:
      case RSA_PSS_SHA384:
      case RSA_PSS_SHA512:
        return "RSASSA-PSS";
      case ML_DSA_44:
        return "ML-DSA-44";
      case ML_DSA_65:
        return "ML-DSA-65";
      case ML_DSA_87:
        return "ML-DSA-87";
      case HASH_ML_DSA_44_SHA512:
        return "ML-DSA-44-WITH-SHA512";
      case HASH_ML_DSA_65_SHA512:
        return "ML-DSA-65-WITH-SHA512";
      case HASH_ML_DSA_87_SHA512:
        return "ML-DSA-87-WITH-SHA512";
      case SLH_DSA_SHA2_128S:
        return "SLH-DSA-SHA2-128S";
      case SLH_DSA_SHAKE_128F:
        return "SLH-DSA-SHAKE-128F";
      default:
        throw new IllegalArgumentException(algorithm + " is not a signature algorithm");
    }
  }

  /**
   * The key factory that turns stored encodings into keys for {@code algorithm}'s provider. The
   * native provider takes its own EC and RSA keys (parsed once, kept as native objects) and the
   * JDK's Ed25519 keys (it has no Ed25519 key factory, and does not accept Bouncy Castle's).
   */
  KeyFactory keyFactory(Algorithm algorithm) throws GeneralSecurityException {
    String type = algorithm.isRsa() ? "RSA" : algorithm == Algorithm.ED25519 ? "Ed25519" : "EC";
    if (runsNative(algorithm)) {
      return algorithm == Algorithm.ED25519
          ? KeyFactory.getInstance(type, Providers.SUN_EC)
          : KeyFactory.getInstance(type, nativeProvider);
    }
    return Providers.pureJavaKeyFactory(algorithm);
  }

  /** This thread's AES-GCM engine. */
  Cipher gcmEngine() {
    return gcmEngine.get();
  }

  static Cipher newCipher(String transformation, Provider provider) {
    try {
      return Cipher.getInstance(transformation, provider);
    } catch (GeneralSecurityException e) {
      throw new HsmException(transformation + " is not available from " + provider.getName(), e);
    }
  }
}
