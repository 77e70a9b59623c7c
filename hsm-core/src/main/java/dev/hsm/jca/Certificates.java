package dev.hsm.jca;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.InvalidArgumentException;
import dev.hsm.KeyHandle;
import dev.hsm.WrongKeyTypeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;

/**
 * PKCS#10 certificate requests and self-signed X.509 certificates for a version of a signature key,
 * signed inside the HSM with {@link KeyHandle#signStandard}: the key must allow {@code
 * SIGN_STANDARD}, and every signature passes the policy gate and is counted. Attach the issued
 * certificate (or the self-signed one) with {@link KeyHandle#attachCertificateChain}; the JCA
 * {@code KeyStore} then presents it with the key.
 *
 * <pre>
 * KeyHandle tls = hsm.createKey("tls", KeySpec.ecdsaP256().withOperations(SIGN_STANDARD));
 * String csr = Certificates.csrPem(tls, 1, CertificateSpec.subject("CN=api.example.com")
 *     .withDnsNames("api.example.com").withExtendedKeyUsage(Purpose.SERVER_AUTH));
 * // ... the CA issues a certificate for it ...
 * tls.attachCertificateChain(1, List.of(issued, intermediate));
 * </pre>
 */
public final class Certificates {
  private static final SecureRandom SERIALS = new SecureRandom();

  private Certificates() {}

  /**
   * A PKCS#10 certification request (DER) for {@code version} of {@code key}: its public key,
   * {@code spec}'s subject, and the alternative names and key usages as requested extensions,
   * signed by the version (proof of possession).
   *
   * @throws WrongKeyTypeException if the key is not a signature key
   * @throws dev.hsm.OperationNotPermittedException if the key does not allow SIGN_STANDARD
   */
  public static byte[] csr(KeyHandle key, int version, CertificateSpec spec) {
    Signer signer = signer(key, version, spec);
    try {
      PKCS10CertificationRequestBuilder request =
          new PKCS10CertificationRequestBuilder(x500(spec), signer.publicKey);
      request.addAttribute(
          PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions(spec, null).generate());
      return request.build(signer).getEncoded();
    } catch (IOException e) {
      throw new HsmException("cannot encode a certificate request for key '" + key.name() + "'", e);
    }
  }

  /** {@link #csr} as PEM ({@code -----BEGIN CERTIFICATE REQUEST-----}). */
  public static String csrPem(KeyHandle key, int version, CertificateSpec spec) {
    return pem("CERTIFICATE REQUEST", csr(key, version, spec));
  }

  /**
   * A self-signed X.509 v3 certificate for {@code version} of {@code key}: subject and issuer are
   * {@code spec}'s subject, with its alternative names, key usage (critical), extended key usage, a
   * subject key identifier and basic constraints (not a CA), valid as {@code spec} says, with a
   * random 127-bit serial number. It is not attached: call {@link KeyHandle#attachCertificateChain}
   * with it.
   *
   * @throws WrongKeyTypeException if the key is not a signature key
   * @throws dev.hsm.OperationNotPermittedException if the key does not allow SIGN_STANDARD
   */
  public static X509Certificate selfSigned(KeyHandle key, int version, CertificateSpec spec) {
    Signer signer = signer(key, version, spec);
    Instant notBefore = spec.notBefore() != null ? spec.notBefore() : Instant.now();
    Instant notAfter = notBefore.plus(spec.validity());
    X500Name name = x500(spec);
    X509v3CertificateBuilder builder =
        new X509v3CertificateBuilder(
            name,
            new BigInteger(127, SERIALS).setBit(126), // positive, always 16 bytes
            Date.from(notBefore),
            Date.from(notAfter),
            name,
            signer.publicKey);
    try {
      Extensions extensions = extensions(spec, signer.publicKey).generate();
      for (ASN1ObjectIdentifier oid : extensions.getExtensionOIDs()) {
        builder.addExtension(extensions.getExtension(oid));
      }
      X509CertificateHolder holder = builder.build(signer);
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (IOException | CertificateException e) {
      throw new HsmException("cannot make a certificate for key '" + key.name() + "'", e);
    }
  }

  private static ExtensionsGenerator extensions(
      CertificateSpec spec, SubjectPublicKeyInfo subjectKeyForIdentifier) throws IOException {
    ExtensionsGenerator extensions = new ExtensionsGenerator();
    List<GeneralName> names = new ArrayList<>();
    spec.dnsNames().forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
    spec.ipAddresses().forEach(n -> names.add(new GeneralName(GeneralName.iPAddress, n)));
    spec.emails().forEach(n -> names.add(new GeneralName(GeneralName.rfc822Name, n)));
    if (!names.isEmpty()) {
      extensions.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(new GeneralName[0])));
    }
    int bits = 0;
    for (CertificateSpec.Usage usage : spec.keyUsage()) {
      bits |= keyUsageBit(usage);
    }
    if (bits != 0) {
      extensions.addExtension(Extension.keyUsage, true, new KeyUsage(bits));
    }
    if (!spec.extendedKeyUsage().isEmpty()) {
      List<KeyPurposeId> purposes = new ArrayList<>();
      spec.extendedKeyUsage().forEach(p -> purposes.add(purpose(p)));
      extensions.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(purposes.toArray(new KeyPurposeId[0])));
    }
    if (subjectKeyForIdentifier != null) {
      extensions.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          new BcX509ExtensionUtils().createSubjectKeyIdentifier(subjectKeyForIdentifier));
      extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    }
    return extensions;
  }

  private static int keyUsageBit(CertificateSpec.Usage usage) {
    switch (usage) {
      case DIGITAL_SIGNATURE:
        return KeyUsage.digitalSignature;
      case NON_REPUDIATION:
        return KeyUsage.nonRepudiation;
      case KEY_ENCIPHERMENT:
        return KeyUsage.keyEncipherment;
      case DATA_ENCIPHERMENT:
        return KeyUsage.dataEncipherment;
      case KEY_AGREEMENT:
        return KeyUsage.keyAgreement;
      case KEY_CERT_SIGN:
        return KeyUsage.keyCertSign;
      default:
        return KeyUsage.cRLSign;
    }
  }

  private static KeyPurposeId purpose(CertificateSpec.Purpose purpose) {
    switch (purpose) {
      case SERVER_AUTH:
        return KeyPurposeId.id_kp_serverAuth;
      case CLIENT_AUTH:
        return KeyPurposeId.id_kp_clientAuth;
      case CODE_SIGNING:
        return KeyPurposeId.id_kp_codeSigning;
      case EMAIL_PROTECTION:
        return KeyPurposeId.id_kp_emailProtection;
      default:
        return KeyPurposeId.id_kp_timeStamping;
    }
  }

  private static X500Name x500(CertificateSpec spec) {
    return X500Name.getInstance(spec.subjectName().getEncoded());
  }

  private static Signer signer(KeyHandle key, int version, CertificateSpec spec) {
    InvalidArgumentException.requireNonNull(key, "key");
    InvalidArgumentException.requireNonNull(spec, "spec");
    Algorithm algorithm = key.info().algorithm();
    String signatureName = JcaNames.certificateSignature(algorithm);
    if (signatureName == null) {
      throw new WrongKeyTypeException(
          "key '"
              + key.name()
              + "' is "
              + algorithm
              + ", which cannot sign a certificate or request (a signature key can)");
    }
    byte[] spki = pemBody(key.publicKeyPem(version));
    AlgorithmIdentifier signatureAlgorithm =
        new DefaultSignatureAlgorithmIdentifierFinder().find(signatureName);
    return new Signer(
        key, version, algorithm, SubjectPublicKeyInfo.getInstance(spki), signatureAlgorithm);
  }

  private static byte[] pemBody(String pem) {
    return Base64.getMimeDecoder()
        .decode(pem.replaceAll("-----[A-Z ]+-----", "").getBytes(StandardCharsets.US_ASCII));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /** Signs what Bouncy Castle writes to it with the key version, in the standard form. */
  private static final class Signer implements ContentSigner {
    private final KeyHandle key;
    private final int version;
    private final Algorithm algorithm;
    private final SubjectPublicKeyInfo publicKey;
    private final AlgorithmIdentifier signatureAlgorithm;
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    Signer(
        KeyHandle key,
        int version,
        Algorithm algorithm,
        SubjectPublicKeyInfo publicKey,
        AlgorithmIdentifier signatureAlgorithm) {
      this.key = key;
      this.version = version;
      this.algorithm = algorithm;
      this.publicKey = publicKey;
      this.signatureAlgorithm = signatureAlgorithm;
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
      return signatureAlgorithm;
    }

    @Override
    public OutputStream getOutputStream() {
      return data;
    }

    @Override
    public byte[] getSignature() {
      byte[] signature = key.signStandard(data.toByteArray(), version);
      return JcaNames.isEcdsa(algorithm) ? EcdsaDer.fromP1363(signature) : signature;
    }
  }
}
