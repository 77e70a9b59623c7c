package dev.hsm.internal.crypto;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Which JCA provider runs which algorithm, chosen by measurement (see DESIGN.md, "Performance"):
 * the JDK's AES-GCM and HMAC use CPU instructions and are 8-20x Bouncy Castle's; Bouncy Castle's
 * ECDSA and Ed25519 are 6-20x the JDK 17's; RSA is the same in both. Provider objects are passed
 * explicitly, so nothing is registered globally and lookups skip the provider list. The optional
 * native provider is chosen per client in {@link CryptoEngines}.
 */
public final class Providers {
  /** Bouncy Castle, not installed in {@link Security}; used by reference. */
  public static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

  /** The JDK's SunJCE: AES-GCM, ChaCha20-Poly1305, HMAC, RSA-OAEP. */
  public static final Provider SUN_JCE = require("SunJCE");

  /** The JDK's SunRsaSign: RSA PKCS#1 v1.5 and PSS signatures, RSA key factory. */
  public static final Provider SUN_RSA_SIGN = require("SunRsaSign");

  /** The JDK's SunEC: its Ed25519 keys are the ones the native provider accepts. */
  public static final Provider SUN_EC = require("SunEC");

  private Providers() {}

  /**
   * The pure-Java key factory for a signature or RSA algorithm: SunRsaSign for RSA, Bouncy Castle
   * else.
   */
  static KeyFactory pureJavaKeyFactory(Algorithm algorithm) throws GeneralSecurityException {
    if (algorithm.isRsa()) {
      return KeyFactory.getInstance("RSA", SUN_RSA_SIGN);
    }
    return KeyFactory.getInstance(keyType(algorithm), BOUNCY_CASTLE);
  }

  /** Bouncy Castle's key type name for a non-RSA signature algorithm. */
  private static String keyType(Algorithm algorithm) {
    switch (algorithm) {
      case ED25519:
        return "Ed25519";
      case ML_DSA_44:
      case ML_DSA_65:
      case ML_DSA_87:
        return "ML-DSA";
      case HASH_ML_DSA_44_SHA512:
      case HASH_ML_DSA_65_SHA512:
      case HASH_ML_DSA_87_SHA512:
        return "HASH-ML-DSA";
      case SLH_DSA_SHA2_128S:
      case SLH_DSA_SHAKE_128F:
        return "SLH-DSA";
      default:
        return "EC";
    }
  }

  private static Provider require(String name) {
    Provider provider = Security.getProvider(name);
    if (provider == null) {
      throw new HsmException("JDK provider " + name + " is missing");
    }
    return provider;
  }
}
