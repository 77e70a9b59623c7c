package dev.hsm.jca;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.Operation;
import dev.hsm.TestStores;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Libraries that sign through the JCA, with our key handle and provider: Bouncy Castle's CMS
 * (verified with Bouncy Castle alone) and nimbus-jose-jwt (verified with the certificate's public
 * key).
 */
class JcaInteropTest {
  private static final byte[] DATA = "a document".getBytes(UTF_8);

  @TempDir Path dir;
  private HsmClient hsm;
  private HsmProvider provider;
  private PrivateKey privateKey;
  private X509Certificate certificate;

  @BeforeEach
  void open() throws Exception {
    hsm = TestStores.open(dir, "interop.db");
    provider = new HsmProvider(hsm);
    KeyHandle key =
        hsm.createKey("documents", KeySpec.ecdsaP256().withOperations(Operation.SIGN_STANDARD));
    key.attachCertificateChain(
        1, List.of(Certificates.selfSigned(key, 1, CertificateSpec.subject("CN=Documents"))));
    KeyStore keyStore = KeyStore.getInstance(HsmProvider.KEYSTORE_TYPE, provider);
    keyStore.load(HsmKeyStoreParameter.of(hsm));
    privateKey = (PrivateKey) keyStore.getKey("documents", null);
    certificate = (X509Certificate) keyStore.getCertificate("documents");
  }

  @AfterEach
  void close() {
    hsm.close();
  }

  @Test
  void bouncyCastleCms_signsThroughOurProvider_andVerifiesWithBouncyCastleAlone() throws Exception {
    ContentSigner signer =
        new JcaContentSignerBuilder("SHA256withECDSA").setProvider(provider).build(privateKey);
    CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
    generator.addSignerInfoGenerator(
        new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
            .build(signer, certificate));
    generator.addCertificates(new JcaCertStore(List.of(certificate)));

    byte[] encoded = generator.generate(new CMSProcessableByteArray(DATA), true).getEncoded();

    CMSSignedData parsed = new CMSSignedData(encoded);
    SignerInformation signerInfo = parsed.getSignerInfos().getSigners().iterator().next();
    @SuppressWarnings("unchecked")
    X509CertificateHolder holder =
        (X509CertificateHolder)
            parsed.getCertificates().getMatches(signerInfo.getSID()).iterator().next();
    assertThat(
            signerInfo.verify(
                new JcaSimpleSignerInfoVerifierBuilder()
                    .setProvider(new BouncyCastleProvider())
                    .build(holder)))
        .isTrue();
    assertThat((byte[]) parsed.getSignedContent().getContent()).isEqualTo(DATA);
  }

  @Test
  void nimbusJoseJwt_signsWithOurPrivateKeyThroughTheProvider() throws Exception {
    ECDSASigner signer = new ECDSASigner(privateKey, Curve.P_256);
    signer.getJCAContext().setProvider(provider);
    JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload("hello"));

    jws.sign(signer);

    JWSObject parsed = JWSObject.parse(jws.serialize());
    assertThat(parsed.verify(new ECDSAVerifier((ECPublicKey) certificate.getPublicKey()))).isTrue();
    assertThat(parsed.getPayload().toString()).isEqualTo("hello");
  }
}
