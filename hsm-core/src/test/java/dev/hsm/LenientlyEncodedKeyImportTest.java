package dev.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RSA keys encoded in ways that the JDK reads leniently but the native provider (AWS-LC) refuses: a
 * public key whose exponent is written as a DER integer that is negative if read strictly ({@code
 * 02 03 ad 00 01}, without the {@code 00} that makes 0xad0001 positive), and a private key whose
 * algorithm parameters are an empty {@code [20]} element instead of NULL. The import's checks
 * passed, the JDK kept the input's own encoding, and the key then failed at its first use with
 * {@link KeyIntegrityException} (found by the import fuzz suite). Imported material is now stored
 * encoded anew from what was read and checked, and works.
 */
class LenientlyEncodedKeyImportTest {
  private static final byte[] DATA = "lenient".getBytes(StandardCharsets.UTF_8);
  private static final BigInteger EXPONENT = BigInteger.valueOf(0xad0001);

  @TempDir Path dir;
  private HsmClient hsm;
  private KeyPair pair;

  @BeforeEach
  void open() throws Exception {
    hsm = TestStores.open(dir, "store.db");
    assumeThat(hsm.cryptoProvider(Algorithm.RSA_PSS_SHA256))
        .as("the strict reader the bug needs")
        .startsWith("AmazonCorrettoCryptoProvider");
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(new RSAKeyGenParameterSpec(2048, EXPONENT));
    pair = generator.generateKeyPair();
  }

  @AfterEach
  void close() {
    hsm.close();
  }

  /** 0xad0001 in three bytes: a reader that keeps the sign reads -5439487. */
  private static ASN1Integer exponentWithoutItsLeadingZero() {
    return new ASN1Integer(new byte[] {(byte) 0xad, 0x00, 0x01});
  }

  private static AlgorithmIdentifier rsaEncryption() {
    return new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE);
  }

  @Test
  void publicKey_importsAndVerifies_andIsStoredInDer() throws Exception {
    RSAPublicKey publicKey = (RSAPublicKey) pair.getPublic();
    byte[] lenient =
        new SubjectPublicKeyInfo(
                rsaEncryption(),
                new DERSequence(
                    new ASN1Encodable[] {
                      new ASN1Integer(publicKey.getModulus()), exponentWithoutItsLeadingZero()
                    }))
            .getEncoded();
    Signature pss = Signature.getInstance("RSASSA-PSS");
    pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    pss.initSign(pair.getPrivate());
    pss.update(DATA);
    byte[] signature = pss.sign();

    KeyHandle key =
        hsm.importKey(
            "lenient-public",
            KeySpec.rsaPssSha256(2048).withOperations(Operation.VERIFY),
            KeyMaterial.publicKeyX509(lenient));

    key.verifyStandardSignature(DATA, signature, 1);
    assertThat(key.publicKeyPem())
        .isEqualTo(
            "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(publicKey.getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
  }

  @Test
  void privateKey_withOddAlgorithmParameters_importsAndSigns() throws Exception {
    PrivateKeyInfo genuine = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
    byte[] lenient =
        new PrivateKeyInfo(
                new AlgorithmIdentifier(
                    PKCSObjectIdentifiers.rsaEncryption,
                    new DERTaggedObject(false, 20, new DERSequence())),
                genuine.parsePrivateKey())
            .getEncoded();

    KeyHandle key =
        hsm.importKey(
            "lenient-private", KeySpec.rsaPssSha256(2048), KeyMaterial.privateKeyPkcs8(lenient));

    key.verify(DATA, key.sign(DATA));
  }
}
