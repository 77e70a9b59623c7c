package dev.hsm.jca;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.AuditEntry;
import dev.hsm.HsmClient;
import dev.hsm.KeyDisabledException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeyNotFoundException;
import dev.hsm.KeySpec;
import dev.hsm.Operation;
import dev.hsm.OperationNotPermittedException;
import dev.hsm.TestStores;
import dev.hsm.WrongKeyTypeException;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Collections;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider's {@code KeyStore}, {@code Signature}, {@code Mac} and {@code Cipher} against a real
 * store: handles without material, standard outputs that the JDK's own providers verify, and every
 * call through the HSM's policy gate (refusals audited, disabled keys refused).
 */
class JcaProviderTest {
  private static final byte[] DATA = "signed through the JCA".getBytes(UTF_8);

  @TempDir Path dir;
  private HsmClient hsm;
  private HsmProvider provider;

  @BeforeEach
  void open() {
    hsm = TestStores.open(dir, "jca.db");
    provider = new HsmProvider(hsm);
  }

  @AfterEach
  void close() {
    hsm.close();
  }

  private static KeySpec standard(KeySpec spec) {
    return spec.withOperations(Operation.SIGN_STANDARD);
  }

  private KeyStore keyStore() throws Exception {
    KeyStore keyStore = KeyStore.getInstance(HsmProvider.KEYSTORE_TYPE, provider);
    keyStore.load(null, null);
    return keyStore;
  }

  private KeyHandle withSelfSigned(String name, KeySpec spec) {
    KeyHandle key = hsm.createKey(name, standard(spec));
    key.attachCertificateChain(
        1, List.of(Certificates.selfSigned(key, 1, CertificateSpec.subject("CN=" + name))));
    return key;
  }

  private AuditEntry lastEntry() {
    List<AuditEntry> entries = hsm.auditLog().entries(1, 1000);
    return entries.get(entries.size() - 1);
  }

  private byte[] sign(String algorithm, PrivateKey key) throws Exception {
    Signature signer = Signature.getInstance(algorithm, provider);
    signer.initSign(key);
    signer.update(DATA);
    return signer.sign();
  }

  private static boolean jdkVerifies(
      String algorithm, Certificate certificate, byte[] signature, PSSParameterSpec pss)
      throws Exception {
    Signature verifier = Signature.getInstance(algorithm);
    if (pss != null) {
      verifier.setParameter(pss);
    }
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(DATA);
    return verifier.verify(signature);
  }

  @Test
  void theKeyStore_listsKeyNames_andGivesHandlesWithoutMaterial_andTheirChains() throws Exception {
    withSelfSigned("tls", KeySpec.ecdsaP256());
    hsm.createKey("pii", KeySpec.aes256Gcm()); // no JCA use: not listed
    hsm.createKey("hooks", standard(KeySpec.hmacSha256()));
    KeyStore keyStore = keyStore();

    assertThat(Collections.list(keyStore.aliases())).containsExactlyInAnyOrder("tls", "hooks");
    Key key = keyStore.getKey("tls", null);
    assertThat(key).isInstanceOf(PrivateKey.class).isInstanceOf(ECKey.class);
    assertThat(key.getEncoded()).isNull();
    assertThat(key.getFormat()).isNull();
    assertThat(key.getAlgorithm()).isEqualTo("EC");
    assertThat(key.toString()).isEqualTo("HsmPrivateKey[tls v1 ECDSA_P256_SHA256]");
    assertThat(keyStore.getCertificateChain("tls")).hasSize(1);
    assertThat(keyStore.entryInstanceOf("tls", KeyStore.PrivateKeyEntry.class)).isTrue();
    KeyStore.PrivateKeyEntry entry =
        (KeyStore.PrivateKeyEntry)
            keyStore.getEntry("tls", new KeyStore.PasswordProtection(new char[0]));
    assertThat(entry.getCertificate()).isEqualTo(keyStore.getCertificate("tls"));
    Key hmac = keyStore.getKey("hooks", null);
    assertThat(hmac.getAlgorithm()).isEqualTo("HmacSHA256");
    assertThat(hmac.getEncoded()).isNull();
    assertThat(keyStore.getKey("pii", null)).isNull();
    assertThat(keyStore.getCertificateAlias(keyStore.getCertificate("tls"))).isEqualTo("tls");
    assertThatThrownBy(() -> keyStore.deleteEntry("tls"))
        .isInstanceOf(KeyStoreException.class)
        .hasMessageContaining("read-only");
  }

  @Test
  void everySignatureAlgorithm_signsInStandardForm_andTheJdkVerifiesIt() throws Exception {
    KeyStore keyStore;
    withSelfSigned("ec", KeySpec.ecdsaP256());
    withSelfSigned("ec384", KeySpec.ecdsaP384());
    withSelfSigned("ed", KeySpec.ed25519());
    withSelfSigned("rsa", KeySpec.rsaPkcs1Sha256(2048));
    withSelfSigned("pss", KeySpec.rsaPssSha256(2048));
    keyStore = keyStore();
    PSSParameterSpec pss = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);

    PrivateKey ec = (PrivateKey) keyStore.getKey("ec", null);
    assertThat(
            jdkVerifies(
                "SHA256withECDSA",
                keyStore.getCertificate("ec"),
                sign("SHA256withECDSA", ec),
                null))
        .isTrue();
    byte[] p1363 = sign("SHA256withECDSAinP1363Format", ec);
    assertThat(p1363).hasSize(64);
    assertThat(
            jdkVerifies("SHA256withECDSAinP1363Format", keyStore.getCertificate("ec"), p1363, null))
        .isTrue();
    PrivateKey ec384 = (PrivateKey) keyStore.getKey("ec384", null);
    assertThat(
            jdkVerifies(
                "SHA384withECDSA",
                keyStore.getCertificate("ec384"),
                sign("SHA384withECDSA", ec384),
                null))
        .isTrue();
    PrivateKey ed = (PrivateKey) keyStore.getKey("ed", null);
    assertThat(jdkVerifies("Ed25519", keyStore.getCertificate("ed"), sign("Ed25519", ed), null))
        .isTrue();
    PrivateKey rsa = (PrivateKey) keyStore.getKey("rsa", null);
    assertThat(rsa).isInstanceOf(RSAKey.class);
    assertThat(((RSAKey) rsa).getModulus().bitLength()).isEqualTo(2048);
    assertThat(
            jdkVerifies(
                "SHA256withRSA", keyStore.getCertificate("rsa"), sign("SHA256withRSA", rsa), null))
        .isTrue();
    PrivateKey pssKey = (PrivateKey) keyStore.getKey("pss", null);
    Signature pssSigner = Signature.getInstance("RSASSA-PSS", provider);
    pssSigner.setParameter(pss);
    pssSigner.initSign(pssKey);
    pssSigner.update(DATA);
    assertThat(jdkVerifies("RSASSA-PSS", keyStore.getCertificate("pss"), pssSigner.sign(), pss))
        .isTrue();
  }

  @Test
  void aKeyIsBoundToItsAlgorithm_andOnlyThisProvidersKeysAreTaken() throws Exception {
    withSelfSigned("ec", KeySpec.ecdsaP256());
    withSelfSigned("pss", KeySpec.rsaPssSha256(2048));
    KeyStore keyStore = keyStore();
    PrivateKey ec = (PrivateKey) keyStore.getKey("ec", null);

    assertThatThrownBy(() -> sign("SHA384withECDSA", ec))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("does not make SHA384withECDSA signatures");
    Signature pss = Signature.getInstance("RSASSA-PSS", provider);
    assertThatThrownBy(
            () ->
                pss.setParameter(
                    new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 20, 1)))
        .hasMessageContaining("salt as long as the hash");
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair jdkKeys = generator.generateKeyPair();
    assertThatThrownBy(() -> sign("SHA256withECDSA", jdkKeys.getPrivate()))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("only with its own keys");
    Signature verifier = Signature.getInstance("SHA256withECDSA", provider);
    assertThatThrownBy(() -> verifier.initVerify(jdkKeys.getPublic()))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("only signs");
  }

  @Test
  void withTheProviderInstalled_theJdksDelayedProviderSelection_picksItForItsKeysOnly()
      throws Exception {
    withSelfSigned("ec", KeySpec.ecdsaP256());
    KeyStore keyStore = keyStore();
    Security.addProvider(provider);
    try {
      Signature viaSelection = Signature.getInstance("SHA256withECDSA");
      viaSelection.initSign((PrivateKey) keyStore.getKey("ec", null));
      viaSelection.update(DATA);
      byte[] signature = viaSelection.sign();
      assertThat(viaSelection.getProvider().getName()).isEqualTo(HsmProvider.NAME);
      assertThat(jdkVerifies("SHA256withECDSA", keyStore.getCertificate("ec"), signature, null))
          .isTrue();

      Signature jdkVerifier = Signature.getInstance("SHA256withECDSA");
      jdkVerifier.initVerify(keyStore.getCertificate("ec").getPublicKey());
      assertThat(jdkVerifier.getProvider().getName()).isNotEqualTo(HsmProvider.NAME);
    } finally {
      Security.removeProvider(HsmProvider.NAME);
    }
  }

  @Test
  void aKeyWithoutSignStandard_isRefusedAtInit_andAtTheGateWhichAuditsIt() throws Exception {
    hsm.createKey("envelopes", KeySpec.ecdsaP256());
    PrivateKey key = (PrivateKey) keyStore().getKey("envelopes", null);

    assertThatThrownBy(() -> sign("SHA256withECDSA", key))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("does not allow SIGN_STANDARD");
    assertThatThrownBy(() -> hsm.key("envelopes").signStandard(DATA, 1))
        .isInstanceOf(OperationNotPermittedException.class);
    assertThat(lastEntry().action()).isEqualTo("key.sign-standard");
    assertThat(lastEntry().outcome()).isEqualTo("refused");
  }

  @Test
  void aDisabledKey_failsToSign_withTheHsmsExceptionAsCause() throws Exception {
    withSelfSigned("ec", KeySpec.ecdsaP256());
    PrivateKey key = (PrivateKey) keyStore().getKey("ec", null);
    Signature signer = Signature.getInstance("SHA256withECDSA", provider);
    signer.initSign(key);
    hsm.key("ec").disable();
    signer.update(DATA);

    assertThatThrownBy(signer::sign)
        .isInstanceOf(SignatureException.class)
        .hasCauseInstanceOf(KeyDisabledException.class)
        .hasMessageContaining("key 'ec' is disabled");
  }

  @Test
  void afterRotation_theStoreKeepsTheCertifiedVersion_untilTheNewOneHasACertificate()
      throws Exception {
    KeyHandle key = withSelfSigned("ec", KeySpec.ecdsaP256());
    key.rotate();

    HsmPrivateKey handle = (HsmPrivateKey) keyStore().getKey("ec", null);
    assertThat(handle.version()).isEqualTo(1);
    assertThat(
            jdkVerifies(
                "SHA256withECDSA",
                keyStore().getCertificate("ec"),
                sign("SHA256withECDSA", handle),
                null))
        .isTrue();

    key.attachCertificateChain(
        2, List.of(Certificates.selfSigned(key, 2, CertificateSpec.subject("CN=ec v2"))));
    HsmPrivateKey renewed = (HsmPrivateKey) keyStore().getKey("ec", null);
    assertThat(renewed.version()).isEqualTo(2);
    assertThat(
            ((X509Certificate) keyStore().getCertificate("ec")).getSubjectX500Principal().getName())
        .isEqualTo("CN=ec v2");
    assertThat(
            jdkVerifies(
                "SHA256withECDSA",
                keyStore().getCertificate("ec"),
                sign("SHA256withECDSA", renewed),
                null))
        .isTrue();
  }

  @Test
  void forVersion_givesTheHandleOfAChosenVersion_andRefusesVersionsAndKeysWithout()
      throws Exception {
    KeyHandle key = withSelfSigned("ec", KeySpec.ecdsaP256());
    key.rotate();
    key.attachCertificateChain(
        2, List.of(Certificates.selfSigned(key, 2, CertificateSpec.subject("CN=ec v2"))));

    HsmPrivateKey first = HsmPrivateKey.forVersion(key, 1);

    assertThat(first.version()).isEqualTo(1);
    assertThat(first).isInstanceOf(ECKey.class);
    assertThat(first.getEncoded()).isNull();
    byte[] signature = sign("SHA256withECDSA", first);
    assertThat(jdkVerifies("SHA256withECDSA", key.certificateChain(1).get(0), signature, null))
        .isTrue();
    assertThat(jdkVerifies("SHA256withECDSA", key.certificateChain(2).get(0), signature, null))
        .isFalse();
    assertThatThrownBy(() -> HsmPrivateKey.forVersion(key, 3))
        .isInstanceOf(KeyNotFoundException.class);
    key.disableVersion(1);
    assertThatThrownBy(() -> HsmPrivateKey.forVersion(key, 1))
        .isInstanceOf(KeyDisabledException.class);
    KeyHandle aes = hsm.createKey("aes", KeySpec.aes256Gcm());
    assertThatThrownBy(() -> HsmPrivateKey.forVersion(aes, 1))
        .isInstanceOf(WrongKeyTypeException.class)
        .hasMessageContaining("key 'aes' is AES_256_GCM");
  }

  @Test
  void theMac_computesStandardHmacTags_throughTheGate() throws Exception {
    byte[] secret = hsm.randomBytes(32);
    hsm.importKey("hooks", standard(KeySpec.hmacSha256()), KeyMaterial.secretKey(secret));
    Mac mac = Mac.getInstance("HmacSHA256", provider);
    mac.init(keyStore().getKey("hooks", null));

    byte[] tag = mac.doFinal(DATA);

    Mac jdk = Mac.getInstance("HmacSHA256");
    jdk.init(new SecretKeySpec(secret, "HmacSHA256"));
    assertThat(tag).isEqualTo(jdk.doFinal(DATA));
    mac.update(DATA, 0, 5);
    mac.update(DATA, 5, DATA.length - 5);
    assertThat(mac.doFinal()).isEqualTo(tag);
  }

  @Test
  void theCipher_decryptsRsaOaepThatTheJdkEncrypted_withAndWithoutALabel() throws Exception {
    KeyHandle oaep = hsm.createKey("oaep", KeySpec.rsaOaepSha256(2048));
    PrivateKey key = (PrivateKey) keyStore().getKey("oaep", null);
    java.security.PublicKey publicKey =
        java.security.KeyFactory.getInstance("RSA")
            .generatePublic(
                new java.security.spec.X509EncodedKeySpec(
                    java.util.Base64.getMimeDecoder()
                        .decode(oaep.publicKeyPem().replaceAll("-----[A-Z ]+-----", ""))));
    for (byte[] label : List.of(new byte[0], "order:1".getBytes(UTF_8))) {
      OAEPParameterSpec params =
          new OAEPParameterSpec(
              "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(label));
      Cipher encrypt = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
      encrypt.init(Cipher.ENCRYPT_MODE, publicKey, params);
      byte[] ciphertext = encrypt.doFinal(DATA);

      Cipher decrypt = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", provider);
      decrypt.init(Cipher.DECRYPT_MODE, key, params);
      assertThat(decrypt.doFinal(ciphertext)).isEqualTo(DATA);
    }
    Cipher encryptMode = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", provider);
    assertThatThrownBy(() -> encryptMode.init(Cipher.ENCRYPT_MODE, key))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("only decrypts");
    assertThatThrownBy(() -> Cipher.getInstance("AES/GCM/NoPadding", provider))
        .isInstanceOf(java.security.NoSuchAlgorithmException.class);
  }

  @Test
  void anEmptyKeyStore_takesHandlesFromAnother_butNoKeyMaterial() throws Exception {
    withSelfSigned("tls", KeySpec.ecdsaP256());
    KeyStore full = keyStore();
    KeyStore selection = KeyStore.getInstance(HsmProvider.KEYSTORE_TYPE, new HsmProvider());
    selection.load(null, null);
    assertThat(selection.size()).isZero();

    selection.setEntry("tls", full.getEntry("tls", null), null);

    assertThat(Collections.list(selection.aliases())).containsExactly("tls");
    assertThat(selection.getCertificate("tls")).isEqualTo(full.getCertificate("tls"));
    PrivateKey handle = (PrivateKey) selection.getKey("tls", null);
    assertThat(
            jdkVerifies(
                "SHA256withECDSA",
                selection.getCertificate("tls"),
                sign("SHA256withECDSA", handle),
                null))
        .isTrue();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair material = generator.generateKeyPair();
    assertThatThrownBy(
            () ->
                selection.setKeyEntry(
                    "raw",
                    material.getPrivate(),
                    null,
                    new Certificate[] {full.getCertificate("tls")}))
        .isInstanceOf(KeyStoreException.class)
        .hasMessageContaining("never key material");
    assertThatThrownBy(() -> full.setEntry("copy", full.getEntry("tls", null), null))
        .isInstanceOf(KeyStoreException.class)
        .hasMessageContaining("read-only");
  }

  @Test
  void theKeyStore_loadsFromAPropertiesStream_withTheStorePasswordOrAKeyFile() throws Exception {
    withSelfSigned("ec", KeySpec.ecdsaP256());
    hsm.close();
    Path keyFile = TestStores.keyFile(dir, "jca.db.key");
    String properties =
        "hsm.store.path=" + dir.resolve("jca.db") + "\nhsm.unlock.key-file=" + keyFile + "\n";

    KeyStore keyStore = KeyStore.getInstance(HsmProvider.KEYSTORE_TYPE, new HsmProvider());
    keyStore.load(new ByteArrayInputStream(properties.getBytes(UTF_8)), null);
    assertThat(Collections.list(keyStore.aliases())).containsExactly("ec");

    Path file = dir.resolve("hsm.properties");
    Files.writeString(file, "hsm.store.path=jca.db\nhsm.unlock.key-file=jca.db.key\n");
    KeyStore configured =
        KeyStore.getInstance(
            HsmProvider.KEYSTORE_TYPE, new HsmProvider().configure(file.toString()));
    configured.load(null, null);
    assertThat(configured.getCertificate("ec")).isNotNull();

    KeyStore unknown = KeyStore.getInstance(HsmProvider.KEYSTORE_TYPE, new HsmProvider());
    assertThatThrownBy(
            () -> unknown.load(new ByteArrayInputStream("hsm.stor.path=x".getBytes(UTF_8)), null))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("unknown property 'hsm.stor.path'");
    hsm = TestStores.open(dir, "jca.db"); // for close()
  }
}
