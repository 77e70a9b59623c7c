package dev.hsm.jca;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A two-level test CA (root and intermediate, P-256 keys on the JDK's providers, certificates made
 * with Bouncy Castle) that issues leaf certificates for our CSRs, as a real CA would: it checks the
 * request's signature and copies its requested extensions.
 */
public final class TestCa {
  /** Reads any request's key, post-quantum included; not installed. */
  private static final BouncyCastleProvider BOUNCY_CASTLE = new BouncyCastleProvider();

  private final KeyPair rootKeys;
  private final X509Certificate root;
  private final KeyPair intermediateKeys;
  private final X509Certificate intermediate;
  private long serial = 100;

  private TestCa() throws Exception {
    rootKeys = ecKeys();
    X500Name rootName = new X500Name("CN=Test Root CA, O=dev.hsm tests");
    root = caCertificate(rootName, rootKeys, rootName, rootKeys.getPrivate(), 1);
    intermediateKeys = ecKeys();
    intermediate =
        caCertificate(
            new X500Name("CN=Test Issuing CA, O=dev.hsm tests"),
            intermediateKeys,
            rootName,
            rootKeys.getPrivate(),
            2);
  }

  public static TestCa create() throws Exception {
    return new TestCa();
  }

  public X509Certificate root() {
    return root;
  }

  public X509Certificate intermediate() {
    return intermediate;
  }

  /** The leaf for a DER PKCS#10 request, after checking the request's own signature. */
  public X509Certificate issue(byte[] csrDer) throws Exception {
    PKCS10CertificationRequest csr = new PKCS10CertificationRequest(csrDer);
    if (!csr.isSignatureValid(
        new JcaContentVerifierProviderBuilder()
            .setProvider(BOUNCY_CASTLE)
            .build(csr.getSubjectPublicKeyInfo()))) {
      throw new IllegalArgumentException("the request's signature does not verify");
    }
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new X509v3CertificateBuilder(
            X500Name.getInstance(intermediate.getSubjectX500Principal().getEncoded()),
            BigInteger.valueOf(serial++),
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(Duration.ofDays(365))),
            csr.getSubject(),
            csr.getSubjectPublicKeyInfo());
    for (org.bouncycastle.asn1.pkcs.Attribute attribute :
        csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      Extensions requested = Extensions.getInstance(attribute.getAttrValues().getObjectAt(0));
      for (ASN1ObjectIdentifier oid : requested.getExtensionOIDs()) {
        builder.addExtension(requested.getExtension(oid));
      }
    }
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    return sign(builder, intermediateKeys.getPrivate());
  }

  /** The chain to attach for a request: the leaf, then the intermediate (the root is trusted). */
  public List<X509Certificate> chainFor(byte[] csrDer) throws Exception {
    return List.of(issue(csrDer), intermediate);
  }

  public static String pem(X509Certificate certificate) throws Exception {
    StringWriter out = new StringWriter();
    out.write("-----BEGIN CERTIFICATE-----\n");
    out.write(
        Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded()));
    out.write("\n-----END CERTIFICATE-----\n");
    return out.toString();
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private X509Certificate caCertificate(
      X500Name subject, KeyPair keys, X500Name issuer, PrivateKey issuerKey, long number)
      throws Exception {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            BigInteger.valueOf(number),
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(Duration.ofDays(365))),
            subject,
            keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    builder.addExtension(
        Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return sign(builder, issuerKey);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException, IOException, PKCSException {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }
}
