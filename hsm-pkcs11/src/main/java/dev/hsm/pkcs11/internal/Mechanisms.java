package dev.hsm.pkcs11.internal;

import dev.hsm.Algorithm;
import dev.hsm.internal.crypto.MacKey;
import dev.hsm.pkcs11.UnsupportedByTokenException;
import java.security.Provider;
import java.util.List;

/**
 * What each algorithm needs from the token, as SunPKCS11 services: SunPKCS11 registers a service
 * only when the token lists its mechanism, so a missing service is a missing mechanism. Checked
 * before a key is made, so an algorithm the token lacks fails at creation, never halfway.
 */
final class Mechanisms {
  private Mechanisms() {}

  /** One JCA service on the token's provider, and the PKCS#11 mechanism behind it. */
  record Need(String type, String algorithm, String mechanism) {}

  /** The JCA signature name for a signature algorithm (ECDSA in P1363 form: r||s). */
  static String signatureName(Algorithm algorithm) {
    switch (algorithm) {
      case ECDSA_P256_SHA256:
        return "SHA256withECDSAinP1363Format";
      case ECDSA_P384_SHA384:
        return "SHA384withECDSAinP1363Format";
      case ECDSA_P521_SHA512:
        return "SHA512withECDSAinP1363Format";
      case RSA_PKCS1_SHA256:
        return "SHA256withRSA";
      case RSA_PKCS1_SHA384:
        return "SHA384withRSA";
      case RSA_PKCS1_SHA512:
        return "SHA512withRSA";
      case RSA_PSS_SHA256:
        return "SHA256withRSASSA-PSS";
      case RSA_PSS_SHA384:
        return "SHA384withRSASSA-PSS";
      case RSA_PSS_SHA512:
        return "SHA512withRSASSA-PSS";
      default:
        throw new IllegalArgumentException(algorithm + " is not a token signature algorithm");
    }
  }

  /** The named curve of an ECDSA algorithm. */
  static String curve(Algorithm algorithm) {
    switch (algorithm) {
      case ECDSA_P256_SHA256:
        return "secp256r1";
      case ECDSA_P384_SHA384:
        return "secp384r1";
      default:
        return "secp521r1";
    }
  }

  /** The field size of an ECDSA algorithm's curve, in bits. */
  static int curveBits(Algorithm algorithm) {
    switch (algorithm) {
      case ECDSA_P256_SHA256:
        return 256;
      case ECDSA_P384_SHA384:
        return 384;
      default:
        return 521;
    }
  }

  static boolean isEcdsa(Algorithm algorithm) {
    return algorithm == Algorithm.ECDSA_P256_SHA256
        || algorithm == Algorithm.ECDSA_P384_SHA384
        || algorithm == Algorithm.ECDSA_P521_SHA512;
  }

  /**
   * The services {@code algorithm} needs.
   *
   * @throws UnsupportedByTokenException for algorithms PKCS#11 through SunPKCS11 cannot hold
   */
  static List<Need> needs(Algorithm algorithm) {
    switch (algorithm) {
      case AES_256_GCM:
        return List.of(
            new Need("KeyGenerator", "AES", "CKM_AES_KEY_GEN"),
            new Need("Cipher", "AES/GCM/NoPadding", "CKM_AES_GCM"));
      case HMAC_SHA256:
      case HMAC_SHA384:
      case HMAC_SHA512:
        String mac = MacKey.jcaName(algorithm);
        return List.of(
            new Need("KeyGenerator", mac, "CKM_GENERIC_SECRET_KEY_GEN"),
            new Need("Mac", mac, "CKM_SHA" + mac.substring("HmacSHA".length()) + "_HMAC"));
      case ECDSA_P256_SHA256:
      case ECDSA_P384_SHA384:
      case ECDSA_P521_SHA512:
        return List.of(
            new Need("KeyPairGenerator", "EC", "CKM_EC_KEY_PAIR_GEN"),
            new Need("Signature", signatureName(algorithm), "CKM_ECDSA"));
      case RSA_PKCS1_SHA256:
      case RSA_PKCS1_SHA384:
      case RSA_PKCS1_SHA512:
        return List.of(
            new Need("KeyPairGenerator", "RSA", "CKM_RSA_PKCS_KEY_PAIR_GEN"),
            new Need("Signature", signatureName(algorithm), "CKM_RSA_PKCS"));
      case RSA_PSS_SHA256:
      case RSA_PSS_SHA384:
      case RSA_PSS_SHA512:
        String pss = signatureName(algorithm);
        return List.of(
            new Need("KeyPairGenerator", "RSA", "CKM_RSA_PKCS_KEY_PAIR_GEN"),
            new Need("Signature", pss, "CKM_" + pss.substring(0, 6) + "_RSA_PKCS_PSS"));
      case RSA_OAEP_SHA256:
        // SunPKCS11 (JDK 17) offers no OAEP: the token does raw RSA, the library the OAEP coding.
        return List.of(
            new Need("KeyPairGenerator", "RSA", "CKM_RSA_PKCS_KEY_PAIR_GEN"),
            new Need("Cipher", "RSA/ECB/NoPadding", "CKM_RSA_X_509"));
      case ED25519:
        throw unsupported(
            algorithm, "CKM_EDDSA, which the JDK's SunPKCS11 does not offer on this JDK");
      case CHACHA20_POLY1305:
        throw unsupported(algorithm, "CKM_CHACHA20_POLY1305, which this custody does not use");
      case AES_256_GCM_SIV:
        throw unsupported(algorithm, "an AES-GCM-SIV mechanism, which PKCS#11 does not define");
      default:
        throw unsupported(algorithm, "a post-quantum mechanism, which SunPKCS11 does not offer");
    }
  }

  /**
   * Checks that the token offers everything {@code algorithm} needs.
   *
   * @throws UnsupportedByTokenException naming the first missing mechanism
   */
  static void require(Provider provider, Algorithm algorithm) {
    for (Need need : needs(algorithm)) {
      if (provider.getService(need.type(), need.algorithm()) == null) {
        throw unsupported(
            algorithm,
            need.mechanism()
                + " (the "
                + need.type()
                + " "
                + need.algorithm()
                + "), which this token does not offer");
      }
    }
  }

  /** Whether the token offers everything {@code algorithm} needs. */
  static boolean offers(Provider provider, Algorithm algorithm) {
    try {
      require(provider, algorithm);
      return true;
    } catch (UnsupportedByTokenException e) {
      return false;
    }
  }

  private static UnsupportedByTokenException unsupported(Algorithm algorithm, String what) {
    return new UnsupportedByTokenException(
        "the PKCS#11 custody cannot hold " + algorithm + " keys: they need " + what);
  }
}
