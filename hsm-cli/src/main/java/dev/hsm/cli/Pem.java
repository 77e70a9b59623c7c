package dev.hsm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** X.509 certificates in and out: PEM text, the JDK's parser, and what to show of them. */
final class Pem {
  private Pem() {}

  /** The certificates as PEM blocks, in order. */
  static String certificates(List<X509Certificate> chain) {
    StringBuilder pem = new StringBuilder();
    for (X509Certificate certificate : chain) {
      pem.append("-----BEGIN CERTIFICATE-----\n")
          .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(encoded(certificate)))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return pem.toString();
  }

  /** Every certificate in a PEM (or DER) file or stdin, in order: a chain, leaf first. */
  static List<X509Certificate> readCertificates(Context context, Path file) throws IOException {
    Collection<? extends Certificate> read;
    try (InputStream in = Io.open(context, file)) {
      read = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (CertificateException e) {
      throw new CliException(
          ExitCodes.USAGE, file + " holds no X.509 certificate chain in PEM or DER form");
    }
    if (read.isEmpty()) {
      throw new CliException(ExitCodes.USAGE, file + " holds no certificate");
    }
    List<X509Certificate> chain = new ArrayList<>();
    for (Certificate certificate : read) {
      chain.add((X509Certificate) certificate);
    }
    return chain;
  }

  /** Subject, issuer, serial number, validity and SHA-256 fingerprint, for --json and people. */
  static Map<String, Object> describe(X509Certificate certificate) {
    Map<String, Object> described = new LinkedHashMap<>();
    described.put("subject", certificate.getSubjectX500Principal().getName());
    described.put("issuer", certificate.getIssuerX500Principal().getName());
    described.put("serialNumber", certificate.getSerialNumber().toString(16));
    described.put("notBefore", certificate.getNotBefore().toInstant().toString());
    described.put("notAfter", certificate.getNotAfter().toInstant().toString());
    described.put("sha256", fingerprint(certificate));
    return described;
  }

  /** The SHA-256 fingerprint as keytool prints it: upper-case hex bytes joined by colons. */
  static String fingerprint(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(encoded(certificate));
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  static byte[] bytes(String pem) {
    return pem.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("a certificate cannot be encoded", e);
    }
  }
}
