package dev.hsm.cli;

import dev.hsm.Algorithm;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;

/** Standard signatures in the encodings outside tools expect. */
final class Signatures {
  /** Largest file signed with an algorithm that holds the whole message (Ed25519, ML-DSA...). */
  static final long MAX_IN_MEMORY = 256L * 1024 * 1024;

  private Signatures() {}

  static boolean isEcdsa(Algorithm algorithm) {
    return algorithm.name().startsWith("ECDSA_");
  }

  /** Whether the algorithm signs the message itself rather than its hash, so holds it whole. */
  static boolean holdsMessage(Algorithm algorithm) {
    return algorithm == Algorithm.ED25519
        || algorithm.name().startsWith("ML_DSA_")
        || algorithm.name().startsWith("SLH_DSA_");
  }

  /**
   * ECDSA's P1363 {@code r||s} as the DER {@code SEQUENCE { INTEGER r, INTEGER s }} that OpenSSL,
   * the JDK's {@code SHA256withECDSA} and OpenPGP's tools take.
   */
  static byte[] p1363ToDer(byte[] p1363) {
    int half = p1363.length / 2;
    ASN1EncodableVector values = new ASN1EncodableVector();
    values.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(p1363, 0, half))));
    values.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(p1363, half, p1363.length))));
    try {
      return new DERSequence(values).getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding failed", e);
    }
  }

  /** The openssl digest option for the algorithm's hash. */
  static String opensslDigest(Algorithm algorithm) {
    String name = algorithm.name();
    if (name.endsWith("SHA384")) {
      return "-sha384";
    }
    if (name.endsWith("SHA512")) {
      return "-sha512";
    }
    return "-sha256";
  }

  /** How to check a detached signature of {@code file} with openssl, or empty if it cannot. */
  static String opensslCommand(Algorithm algorithm, String publicPem, String file, String sig) {
    if (algorithm == Algorithm.ED25519) {
      return "openssl pkeyutl -verify -pubin -inkey "
          + publicPem
          + " -rawin -in "
          + file
          + " -sigfile "
          + sig;
    }
    if (isEcdsa(algorithm) || algorithm.isRsa() && algorithm != Algorithm.RSA_OAEP_SHA256) {
      return "openssl dgst "
          + opensslDigest(algorithm)
          + (algorithm.name().startsWith("RSA_PSS")
              ? " -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest"
              : "")
          + " -verify "
          + publicPem
          + " -signature "
          + sig
          + " "
          + file;
    }
    return "";
  }
}
