package dev.hsm.jca;

import dev.hsm.Algorithm;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The JCA's names for the HSM's algorithms: key algorithms, signatures and MACs. */
final class JcaNames {
  private JcaNames() {}

  /** A {@code Signature} service: the keys it accepts and whether ECDSA output is DER. */
  record SignatureService(Set<Algorithm> keys, boolean der) {}

  /** Every {@code Signature} this provider offers, by JCA name. */
  static final Map<String, SignatureService> SIGNATURES = signatures();

  /** Every {@code Mac}, by JCA name. */
  static final Map<String, Algorithm> MACS =
      Map.of(
          "HmacSHA256", Algorithm.HMAC_SHA256,
          "HmacSHA384", Algorithm.HMAC_SHA384,
          "HmacSHA512", Algorithm.HMAC_SHA512);

  private static Map<String, SignatureService> signatures() {
    Map<String, SignatureService> s = new LinkedHashMap<>();
    s.put("SHA256withECDSA", new SignatureService(EnumSet.of(Algorithm.ECDSA_P256_SHA256), true));
    s.put("SHA384withECDSA", new SignatureService(EnumSet.of(Algorithm.ECDSA_P384_SHA384), true));
    s.put("SHA512withECDSA", new SignatureService(EnumSet.of(Algorithm.ECDSA_P521_SHA512), true));
    s.put(
        "SHA256withECDSAinP1363Format",
        new SignatureService(EnumSet.of(Algorithm.ECDSA_P256_SHA256), false));
    s.put(
        "SHA384withECDSAinP1363Format",
        new SignatureService(EnumSet.of(Algorithm.ECDSA_P384_SHA384), false));
    s.put(
        "SHA512withECDSAinP1363Format",
        new SignatureService(EnumSet.of(Algorithm.ECDSA_P521_SHA512), false));
    s.put("Ed25519", new SignatureService(EnumSet.of(Algorithm.ED25519), false));
    s.put("EdDSA", new SignatureService(EnumSet.of(Algorithm.ED25519), false));
    s.put("SHA256withRSA", new SignatureService(EnumSet.of(Algorithm.RSA_PKCS1_SHA256), false));
    s.put("SHA384withRSA", new SignatureService(EnumSet.of(Algorithm.RSA_PKCS1_SHA384), false));
    s.put("SHA512withRSA", new SignatureService(EnumSet.of(Algorithm.RSA_PKCS1_SHA512), false));
    s.put(
        "RSASSA-PSS",
        new SignatureService(
            EnumSet.of(
                Algorithm.RSA_PSS_SHA256, Algorithm.RSA_PSS_SHA384, Algorithm.RSA_PSS_SHA512),
            false));
    // Bouncy Castle's names for PSS with MGF1 of the same hash and a salt as long as it
    s.put(
        "SHA256withRSAandMGF1", new SignatureService(EnumSet.of(Algorithm.RSA_PSS_SHA256), false));
    s.put(
        "SHA384withRSAandMGF1", new SignatureService(EnumSet.of(Algorithm.RSA_PSS_SHA384), false));
    s.put(
        "SHA512withRSAandMGF1", new SignatureService(EnumSet.of(Algorithm.RSA_PSS_SHA512), false));
    s.put("ML-DSA-44", new SignatureService(EnumSet.of(Algorithm.ML_DSA_44), false));
    s.put("ML-DSA-65", new SignatureService(EnumSet.of(Algorithm.ML_DSA_65), false));
    s.put("ML-DSA-87", new SignatureService(EnumSet.of(Algorithm.ML_DSA_87), false));
    s.put(
        "ML-DSA",
        new SignatureService(
            EnumSet.of(Algorithm.ML_DSA_44, Algorithm.ML_DSA_65, Algorithm.ML_DSA_87), false));
    s.put(
        "SLH-DSA-SHA2-128S", new SignatureService(EnumSet.of(Algorithm.SLH_DSA_SHA2_128S), false));
    s.put(
        "SLH-DSA-SHAKE-128F",
        new SignatureService(EnumSet.of(Algorithm.SLH_DSA_SHAKE_128F), false));
    return s;
  }

  /**
   * The key algorithm name the JDK gives such a key (what {@code KeyStore.PrivateKeyEntry} compares
   * with the certificate's public key), for keys without a certificate.
   */
  static String keyAlgorithm(Algorithm algorithm) {
    switch (algorithm) {
      case ECDSA_P256_SHA256:
      case ECDSA_P384_SHA384:
      case ECDSA_P521_SHA512:
        return "EC";
      case ED25519:
        return "EdDSA";
      case HMAC_SHA256:
        return "HmacSHA256";
      case HMAC_SHA384:
        return "HmacSHA384";
      case HMAC_SHA512:
        return "HmacSHA512";
      default:
        if (algorithm.isRsa()) {
          return "RSA";
        }
        return algorithm.joseName() != null ? algorithm.joseName() : algorithm.name();
    }
  }

  /** The one signature algorithm a certificate or CSR signed by such a key names (BC's name). */
  static String certificateSignature(Algorithm algorithm) {
    switch (algorithm) {
      case ECDSA_P256_SHA256:
        return "SHA256WITHECDSA";
      case ECDSA_P384_SHA384:
        return "SHA384WITHECDSA";
      case ECDSA_P521_SHA512:
        return "SHA512WITHECDSA";
      case ED25519:
        return "Ed25519";
      case RSA_PKCS1_SHA256:
        return "SHA256WITHRSA";
      case RSA_PKCS1_SHA384:
        return "SHA384WITHRSA";
      case RSA_PKCS1_SHA512:
        return "SHA512WITHRSA";
      case RSA_PSS_SHA256:
        return "SHA256WITHRSAANDMGF1";
      case RSA_PSS_SHA384:
        return "SHA384WITHRSAANDMGF1";
      case RSA_PSS_SHA512:
        return "SHA512WITHRSAANDMGF1";
      case ML_DSA_44:
        return "ML-DSA-44";
      case ML_DSA_65:
        return "ML-DSA-65";
      case ML_DSA_87:
        return "ML-DSA-87";
      case SLH_DSA_SHA2_128S:
        return "SLH-DSA-SHA2-128S";
      case SLH_DSA_SHAKE_128F:
        return "SLH-DSA-SHAKE-128F";
      default:
        return null;
    }
  }

  static boolean isEcdsa(Algorithm algorithm) {
    return algorithm == Algorithm.ECDSA_P256_SHA256
        || algorithm == Algorithm.ECDSA_P384_SHA384
        || algorithm == Algorithm.ECDSA_P521_SHA512;
  }

  /** The PSS parameters of an RSA-PSS key: MGF1 with the same hash, salt as long as the hash. */
  static PSSParameterSpec pss(Algorithm algorithm) {
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
}
