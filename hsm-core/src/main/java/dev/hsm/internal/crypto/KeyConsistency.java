package dev.hsm.internal.crypto;

import dev.hsm.InvalidKeyMaterialException;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Checks that the parts of imported key material agree with each other, as {@code openssl pkey
 * -check} does, so that inconsistent material fails at import with {@link
 * InvalidKeyMaterialException} instead of being stored and failing at every use (the JDK checks an
 * RSA-CRT signature against the public key and throws; a native provider may refuse the key).
 *
 * <ul>
 *   <li>RSA: {@code n = p·q} with {@code p} and {@code q} distinct probable primes; {@code e} odd
 *       with {@code 1 < e < n}; {@code e·d ≡ 1 (mod λ(n))} (which {@code d} computed modulo {@code
 *       φ(n)} also satisfies); the CRT values {@code dP = d mod (p−1)}, {@code dQ = d mod (q−1)},
 *       {@code qInv·q ≡ 1 (mod p)}.
 *   <li>EC: the scalar is in {@code [1, n−1]} (checked where the public key is derived), and a
 *       public point carried in the PKCS#8 (in the {@code ECPrivateKey} structure or the PKCS#8 v2
 *       {@code publicKey} field) is on the curve and equals {@code d·G}.
 *   <li>Ed25519: a public key carried in the PKCS#8 v2 {@code publicKey} field equals the one
 *       derived from the seed.
 * </ul>
 */
final class KeyConsistency {
  /** Miller-Rabin rounds for the primes: error below 2^-100, a few milliseconds per import. */
  private static final int PRIME_CERTAINTY = 100;

  private KeyConsistency() {}

  static void checkRsa(RSAPrivateCrtKeyParameters key) {
    BigInteger n = key.getModulus();
    BigInteger e = key.getPublicExponent();
    BigInteger d = key.getExponent();
    BigInteger p = key.getP();
    BigInteger q = key.getQ();
    BigInteger one = BigInteger.ONE;
    checkRsaPublic(n, e, "inconsistent RSA private key: ");
    if (p.compareTo(one) <= 0 || q.compareTo(one) <= 0 || p.equals(q) || !p.multiply(q).equals(n)) {
      throw inconsistent("RSA", "the modulus is not the product of the two primes");
    }
    if (!p.isProbablePrime(PRIME_CERTAINTY) || !q.isProbablePrime(PRIME_CERTAINTY)) {
      throw inconsistent("RSA", "a prime factor is not prime");
    }
    BigInteger pMinus1 = p.subtract(one);
    BigInteger qMinus1 = q.subtract(one);
    BigInteger lambda = pMinus1.divide(pMinus1.gcd(qMinus1)).multiply(qMinus1);
    if (d.signum() <= 0 || d.compareTo(n) >= 0 || !e.multiply(d).mod(lambda).equals(one)) {
      throw inconsistent("RSA", "the private exponent does not invert the public exponent");
    }
    if (!key.getDP().equals(d.mod(pMinus1))
        || !key.getDQ().equals(d.mod(qMinus1))
        || !key.getQInv().multiply(q).mod(p).equals(one)) {
      throw inconsistent("RSA", "the CRT values do not match the primes and private exponent");
    }
  }

  /** An RSA public key's own rules: an odd modulus, an odd exponent between 1 and the modulus. */
  static void checkRsaPublic(RSAKeyParameters key) {
    checkRsaPublic(key.getModulus(), key.getExponent(), "invalid RSA public key: ");
  }

  private static void checkRsaPublic(BigInteger n, BigInteger e, String what) {
    if (n.signum() <= 0 || !n.testBit(0)) {
      throw new InvalidKeyMaterialException(what + "the modulus is not a positive odd number");
    }
    if (!e.testBit(0) || e.compareTo(BigInteger.ONE) <= 0 || e.compareTo(n) >= 0) {
      throw new InvalidKeyMaterialException(
          what + "the public exponent is not an odd number between 1 and the modulus");
    }
  }

  /**
   * Compares the public key that the PKCS#8 carries, if any, with {@code derived} (the one its
   * private part gives).
   */
  static void checkEmbeddedPublicKey(PrivateKeyInfo info, AsymmetricKeyParameter derived)
      throws IOException {
    if (derived instanceof ECPublicKeyParameters) {
      ECPublicKeyParameters ec = (ECPublicKeyParameters) derived;
      ASN1BitString inner = ECPrivateKey.getInstance(info.parsePrivateKey()).getPublicKey();
      if (inner != null) {
        checkPoint(ec, inner.getOctets());
      }
      if (info.hasPublicKey()) {
        checkPoint(ec, info.getPublicKeyData().getOctets());
      }
    } else if (derived instanceof Ed25519PublicKeyParameters) {
      if (info.hasPublicKey()
          && !Arrays.equals(
              info.getPublicKeyData().getOctets(),
              ((Ed25519PublicKeyParameters) derived).getEncoded())) {
        throw inconsistent("Ed25519", "the public key it carries is not the private key's");
      }
    }
  }

  private static void checkPoint(ECPublicKeyParameters derived, byte[] encoded) {
    ECPoint carried;
    try {
      // decodePoint refuses encodings of points that are not on the curve
      carried = derived.getParameters().getCurve().decodePoint(encoded).normalize();
    } catch (RuntimeException e) {
      throw inconsistent("EC", "the public point it carries is not a point on the curve");
    }
    if (!carried.equals(derived.getQ())) {
      throw inconsistent("EC", "the public point it carries is not the private scalar times G");
    }
  }

  private static InvalidKeyMaterialException inconsistent(String type, String why) {
    return new InvalidKeyMaterialException("inconsistent " + type + " private key: " + why);
  }
}
