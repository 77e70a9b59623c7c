package dev.hsm.internal.crypto;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Certificate chains as a key version keeps them: the certificates' DER, leaf first, one after the
 * other (each DER certificate says its own length), and the checks a chain passes before it is
 * attached.
 */
public final class CertificateChains {
  /** More than any real chain (leaf, intermediates, root); keeps a row small. */
  public static final int MAX_CERTIFICATES = 10;

  private CertificateChains() {}

  /** The chain's stored form. */
  public static byte[] encode(List<X509Certificate> chain) throws CertificateException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (X509Certificate certificate : chain) {
      out.writeBytes(certificate.getEncoded());
    }
    return out.toByteArray();
  }

  /** The chain from its stored form ({@code null}: none, an empty list). */
  public static List<X509Certificate> decode(byte[] stored) {
    if (stored == null) {
      return List.of();
    }
    try {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(stored))) {
        chain.add((X509Certificate) certificate);
      }
      return List.copyOf(chain);
    } catch (CertificateException e) {
      // The row's MAC passed, so the bytes are what this library stored: never expected.
      throw new HsmException("a stored certificate chain cannot be read", e);
    }
  }

  /**
   * Why {@code chain} does not fit the version whose public key is {@code spki}, or {@code null} if
   * it does: the leaf must carry exactly that public key (compared in one canonical encoding), and
   * each certificate must name the next as issuer and verify under its public key.
   */
  public static String mismatch(Algorithm algorithm, byte[] spki, List<X509Certificate> chain) {
    X509Certificate leaf = chain.get(0);
    byte[] leafKey;
    byte[] versionKey;
    try {
      versionKey = Keys.canonicalSpki(algorithm, spki);
    } catch (GeneralSecurityException e) {
      throw new HsmException("cannot read a stored " + algorithm + " public key", e);
    }
    try {
      leafKey = Keys.canonicalSpki(algorithm, leaf.getPublicKey().getEncoded());
    } catch (GeneralSecurityException | RuntimeException e) {
      leafKey = null;
    }
    if (leafKey == null || !Arrays.equals(leafKey, versionKey)) {
      return "the leaf certificate ("
          + leaf.getSubjectX500Principal().getName()
          + ", serial "
          + leaf.getSerialNumber().toString(16)
          + ") carries another public key ("
          + leaf.getPublicKey().getAlgorithm()
          + ") than the version's "
          + algorithm
          + " key; attach the certificate issued for this version's public key";
    }
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate certificate = chain.get(i);
      X509Certificate issuer = chain.get(i + 1);
      String problem = null;
      if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
        problem = "names issuer " + certificate.getIssuerX500Principal().getName();
      } else {
        try {
          certificate.verify(issuer.getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
          problem = "does not verify under its issuer's public key";
        }
      }
      if (problem != null) {
        return "certificate "
            + (i + 1)
            + " of the chain ("
            + certificate.getSubjectX500Principal().getName()
            + ") "
            + problem
            + ", but certificate "
            + (i + 2)
            + " is "
            + issuer.getSubjectX500Principal().getName()
            + "; give the chain leaf first, each certificate followed by its issuer";
      }
    }
    return null;
  }
}
