package dev.hsm.pkcs11.internal;

import dev.hsm.HsmException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate stored beside each private key in the token. The JDK's PKCS#11 key store lists a
 * private key only when a certificate with the same CKA_ID is there (keytool stores a self-signed
 * one for the same reason); this one carries the key's public key under the subject and issuer
 * {@code O=dev.hsm, CN=dev.hsm placeholder} (its CKA_LABEL and CKA_ID name the key), and is signed
 * by a throwaway key, so it vouches for nothing and no one should trust it. It is not the key's
 * certificate: those are attached per version in the store (the JCA provider's certificate chains).
 */
final class PlaceholderCertificate {
  private static final SecureRandom RANDOM = new SecureRandom();

  private PlaceholderCertificate() {}

  static X509Certificate create(String alias, PublicKey publicKey) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      PrivateKey throwaway = generator.generateKeyPair().getPrivate();
      X500Name name =
          new X500NameBuilder(BCStyle.INSTANCE)
              .addRDN(BCStyle.O, "dev.hsm")
              .addRDN(BCStyle.CN, "dev.hsm placeholder")
              .build();
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name,
              new BigInteger(63, RANDOM).add(BigInteger.ONE),
              Date.from(now.minus(1, ChronoUnit.DAYS)),
              Date.from(now.plus(36500, ChronoUnit.DAYS)),
              name,
              publicKey);
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(throwaway)));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new HsmException("cannot make the placeholder certificate for " + alias, e);
    }
  }
}
