package dev.hsm.internal.crypto;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hsm.HsmException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** Public keys as PEM (SubjectPublicKeyInfo) and as JWK (nimbus-jose-jwt; AKP by hand). */
public final class PublicKeyExport {
  private PublicKeyExport() {}

  /** {@code -----BEGIN PUBLIC KEY-----} PEM. */
  public static String pem(PublicKey publicKey) {
    return Pem.encode("PUBLIC KEY", publicKey.getEncoded());
  }

  /**
   * A public key's id in key exports: SHA-256 of its SubjectPublicKeyInfo DER as the pure-Java
   * providers encode it (RSA with NULL parameters; EC on its named curve, point uncompressed),
   * which is the body of the key's {@code publicKeyPem()}. Re-encoded first, so that two stores
   * holding the same key agree on its id whichever provider made or loaded it.
   *
   * @param spki the key's SubjectPublicKeyInfo DER
   */
  public static byte[] keyId(dev.hsm.Algorithm algorithm, byte[] spki) {
    try {
      byte[] canonical = Keys.canonicalSpki(algorithm, spki);
      return MessageDigest.getInstance("SHA-256").digest(canonical);
    } catch (GeneralSecurityException e) {
      throw new HsmException("cannot read a stored " + algorithm + " public key", e);
    }
  }

  /**
   * The key as a JWK (JSON) with {@code kid}, {@code alg} and {@code use}: RFC 7518 and RFC 8037
   * key types, built by nimbus-jose-jwt, and for ML-DSA and SLH-DSA the {@code AKP} ("algorithm key
   * pair") key type of the IETF JOSE/COSE drafts for them: {@code pub} is the raw public key in
   * base64url, and {@code alg} is required.
   *
   * @throws IllegalArgumentException for an algorithm JOSE has no name for (HashML-DSA, the ML-KEM
   *     encryption keys)
   */
  public static String jwk(dev.hsm.Algorithm algorithm, PublicKey publicKey, String keyId) {
    if (algorithm.joseName() == null) {
      throw new IllegalArgumentException(
          "JOSE defines no algorithm name for " + algorithm + ", so it has no JWK");
    }
    if (algorithm.isPostQuantum()) {
      Map<String, Object> jwk = new LinkedHashMap<>();
      jwk.put("kty", "AKP");
      jwk.put("use", "sig");
      jwk.put("kid", keyId);
      jwk.put("alg", algorithm.joseName());
      jwk.put(
          "pub", Base64URL.encode(PostQuantumKeys.rawPublicKey(publicKey.getEncoded())).toString());
      return JSONObjectUtils.toJSONString(jwk);
    }
    return classicalJwk(algorithm, publicKey, keyId).toJSONString();
  }

  private static JWK classicalJwk(dev.hsm.Algorithm algorithm, PublicKey publicKey, String keyId) {
    Algorithm alg = new Algorithm(algorithm.joseName());
    KeyUse use =
        algorithm.kind() == dev.hsm.Algorithm.Kind.SIGNATURE ? KeyUse.SIGNATURE : KeyUse.ENCRYPTION;
    switch (algorithm) {
      case ECDSA_P256_SHA256:
      case ECDSA_P384_SHA384:
      case ECDSA_P521_SHA512:
        ECPublicKey ec = (ECPublicKey) publicKey;
        return new ECKey.Builder(curve(algorithm), ec)
            .keyID(keyId)
            .algorithm(alg)
            .keyUse(use)
            .build();
      case ED25519:
        byte[] raw =
            SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()).getPublicKeyData().getBytes();
        return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw))
            .keyID(keyId)
            .algorithm(alg)
            .keyUse(use)
            .build();
      default:
        return new RSAKey.Builder((RSAPublicKey) publicKey)
            .keyID(keyId)
            .algorithm(alg)
            .keyUse(use)
            .build();
    }
  }

  private static Curve curve(dev.hsm.Algorithm algorithm) {
    switch (algorithm) {
      case ECDSA_P256_SHA256:
        return Curve.P_256;
      case ECDSA_P384_SHA384:
        return Curve.P_384;
      default:
        return Curve.P_521;
    }
  }
}
