package dev.hsm.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.AdminAuthenticationException;
import dev.hsm.AuditEntry;
import dev.hsm.AuditLog;
import dev.hsm.DataKey;
import dev.hsm.HsmAdmin;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.KeyVersionInfo;
import dev.hsm.Operation;
import dev.hsm.OperationNotPermittedException;
import dev.hsm.StandardSignatureNotAllowedException;
import dev.hsm.StandardSigner;
import dev.hsm.VerificationFailedException;
import dev.hsm.VersionBelowMinimumException;
import dev.hsm.jca.CertificateSpec;
import dev.hsm.jca.Certificates;
import dev.hsm.jca.HsmProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API tour in README.md. README's Java snippets are copied from this file, and {@link
 * ReadmeSnippetsTest} fails if a snippet line is not found here or in {@link Quickstart}.
 */
class ApiTourTest {

  @TempDir Path dir;

  @Test
  void tour() throws Exception {
    Path keyFile = dir.resolve("hsm.key");
    Files.write(keyFile, new java.security.SecureRandom().generateSeed(32));
    Path storeFile = dir.resolve("app-hsm.db");
    byte[] data = "payload".getBytes(StandardCharsets.UTF_8);
    byte[] plain = "secret".getBytes(StandardCharsets.UTF_8);
    byte[] context = "customer:42".getBytes(StandardCharsets.UTF_8);

    // README: open
    try (HsmClient hsm = HsmClient.open(HsmConfig.sqlite(storeFile).keyFile(keyFile))) {
      // README: sign
      KeyHandle signing = hsm.createKey("invoices", KeySpec.ecdsaP256());
      byte[] signature = signing.sign(data);
      signing.verify(data, signature); // throws VerificationFailedException if bad
      String pem = signing.publicKeyPem();
      String jwk = signing.publicJwk();

      // README: encrypt
      KeyHandle pii = hsm.createKey("pii", KeySpec.aes256Gcm());
      byte[] ciphertext = pii.encrypt(plain, context);
      byte[] decrypted = pii.decrypt(ciphertext, context);

      // README: data key
      DataKey dataKey = pii.generateDataKey(context);
      byte[] bulkKey = dataKey.plaintextKey(); // encrypt your bulk data with this...
      byte[] storedBeside = dataKey.encryptedKey(); // ...and store this beside it
      dataKey.destroy();
      byte[] sameKey = pii.decrypt(storedBeside, context);

      // README: policy
      KeyHandle decryptOnly =
          hsm.createKey("archive", KeySpec.aes256Gcm().withOperations(Operation.DECRYPT));
      KeyHandle tags =
          hsm.ensureKey("webhooks", KeySpec.hmacSha256().withLabel("team", "payments"));
      byte[] tag = tags.mac(data);
      tags.verifyMac(data, tag);

      // README: import
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
      KeyHandle imported =
          hsm.importKey("legacy-signer", KeySpec.ecdsaP256(), KeyMaterial.privateKeyPkcs8(pkcs8));

      KeyPair partnerPair = generator.generateKeyPair();
      byte[] partnerSpki = partnerPair.getPublic().getEncoded();
      byte[] file = "a partner's file".getBytes(StandardCharsets.UTF_8);
      Signature partnerSigner = Signature.getInstance("SHA256withECDSAinP1363Format");
      partnerSigner.initSign(partnerPair.getPrivate());
      partnerSigner.update(file);
      byte[] partnerSignature = partnerSigner.sign();

      // README: outside signatures
      KeyHandle partner =
          hsm.importKey("partner", KeySpec.ecdsaP256(), KeyMaterial.publicKeyX509(partnerSpki));
      partner.verifyStandardSignature(file, partnerSignature, 1); // over the bare file, no envelope

      // README: standard signatures
      KeyHandle release =
          hsm.createKey("release", KeySpec.ecdsaP256().withOperations(Operation.SIGN_STANDARD));
      byte[] standard = release.signStandard(file); // P1363 r||s of exactly the file, no envelope
      StandardSigner signer = release.standardSigner(); // signer.update(...) per chunk, then sign()
      signer.update(file);
      byte[] streamed = signer.sign();

      assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----");
      assertThat(jwk).contains("\"kid\":\"invoices:1\"");
      assertThat(decrypted).isEqualTo(plain);
      assertThat(sameKey).isEqualTo(bulkKey);
      assertThatThrownBy(() -> decryptOnly.encrypt(plain, context))
          .isInstanceOf(OperationNotPermittedException.class);
      assertThatThrownBy(() -> signing.verify("other".getBytes(StandardCharsets.UTF_8), signature))
          .isInstanceOf(VerificationFailedException.class);
      assertThat(imported.info().imported()).isTrue();
      assertThat(partner.info().operations()).containsExactly(Operation.VERIFY);
      assertThatThrownBy(() -> signing.verifyStandardSignature(data, signature, 1))
          .isInstanceOf(OperationNotPermittedException.class);
      KeyHandle releaseVerifier =
          hsm.importKey(
              "release-verifier",
              KeySpec.ecdsaP256().withOperations(Operation.VERIFY),
              KeyMaterial.publicKeyPem(release.publicKeyPem()));
      releaseVerifier.verifyStandardSignature(file, standard, 1);
      releaseVerifier.verifyStandardSignature(file, streamed, 1);
      assertThatThrownBy(() -> signing.signStandard(file))
          .isInstanceOf(StandardSignatureNotAllowedException.class);
      assertThat(hsm.listKeys()).hasSize(8);
    }
  }

  @Test
  void lifecycleAdminAndAuditTour() throws Exception {
    Path keyFile = dir.resolve("hsm.key");
    Files.write(keyFile, new java.security.SecureRandom().generateSeed(32));
    Path storeFile = dir.resolve("app-hsm.db");
    byte[] plain = "secret".getBytes(StandardCharsets.UTF_8);
    byte[] context = "customer:42".getBytes(StandardCharsets.UTF_8);
    char[] adminPassphrase = "correct horse battery staple".toCharArray();
    Path backupFile = dir.resolve("backup.db");

    try (HsmClient hsm = HsmClient.open(HsmConfig.sqlite(storeFile).keyFile(keyFile))) {
      KeyHandle pii =
          hsm.createKey("pii", KeySpec.aes256Gcm().withRotationPeriod(Duration.ofDays(90)));
      byte[] oldCiphertext = pii.encrypt(plain, context);

      // README: lifecycle
      int newVersion = pii.rotate(); // new primary version; old versions still decrypt
      byte[] upgraded = pii.reencrypt(oldCiphertext, context); // plaintext never leaves the library
      List<KeyVersionInfo> versions = pii.info().versions();
      pii.disableVersion(1); // reversible: enableVersion(1)

      // README: admin
      hsm.admin().setAdminPassphrase(adminPassphrase);
      HsmAdmin admin = hsm.admin(adminPassphrase); // from now on, admin acts need it
      admin.scheduleDestruction("pii", 1, Duration.ofDays(30)); // cancelDestruction(...) until then
      admin.setMinDecryptionVersion("pii", 2);
      admin.backup(backupFile);

      // README: audit
      AuditLog audit = hsm.auditLog();
      long entries = audit.verify(); // throws AuditLogIntegrityException if edited
      List<AuditEntry> recent = audit.entries(1, 100);

      assertThat(newVersion).isEqualTo(2);
      assertThat(pii.decrypt(upgraded, context)).isEqualTo(plain);
      assertThat(versions).hasSize(2);
      assertThatThrownBy(() -> hsm.admin()).isInstanceOf(AdminAuthenticationException.class);
      assertThatThrownBy(() -> pii.decrypt(oldCiphertext, context))
          .isInstanceOf(VersionBelowMinimumException.class);
      assertThat(entries).isEqualTo(recent.size());
      assertThat(recent).extracting(AuditEntry::action).contains("key.rotate", "store.backup");
    }
  }

  @Test
  void postQuantumTour() throws Exception {
    Path keyFile = dir.resolve("hsm.key");
    Files.write(keyFile, new java.security.SecureRandom().generateSeed(32));
    byte[] manifest = "{\"release\":\"1.0\"}".getBytes(StandardCharsets.UTF_8);
    byte[] document = "contract".getBytes(StandardCharsets.UTF_8);
    byte[] context = "archive:2026".getBytes(StandardCharsets.UTF_8);

    try (HsmClient hsm = HsmClient.open(HsmConfig.sqlite(dir.resolve("pq.db")).keyFile(keyFile))) {
      // README: post-quantum
      KeyHandle signer = hsm.createKey("releases", KeySpec.mlDsa65());
      String jws = signer.signJws(manifest); // alg ML-DSA-65
      KeyHandle vault = hsm.createKey("archive", KeySpec.mlKem768X25519());
      byte[] sealed = vault.encrypt(document, context); // HPKE, X-Wing + AES-256-GCM

      assertThat(signer.verifyJws(jws)).isEqualTo(manifest);
      assertThat(signer.publicJwk()).contains("\"kty\":\"AKP\"", "\"alg\":\"ML-DSA-65\"");
      assertThat(vault.decrypt(sealed, context)).isEqualTo(document);
    }
  }

  @Test
  void jcaTour() throws Exception {
    Path keyFile = dir.resolve("hsm.key");
    Files.write(keyFile, new java.security.SecureRandom().generateSeed(32));
    byte[] data = "handshake".getBytes(StandardCharsets.UTF_8);

    try (HsmClient hsm = HsmClient.open(HsmConfig.sqlite(dir.resolve("jca.db")).keyFile(keyFile))) {
      // README: jca
      KeySpec jca = KeySpec.ecdsaP256().withOperations(Operation.SIGN_STANDARD);
      KeyHandle tls = hsm.createKey("tls", jca);
      CertificateSpec subject = CertificateSpec.subject("CN=localhost").withDnsNames("localhost");
      tls.attachCertificateChain(1, List.of(Certificates.selfSigned(tls, 1, subject)));
      KeyStore keyStore = KeyStore.getInstance("DevHsm", new HsmProvider(hsm));
      keyStore.load(null, null);

      PrivateKey key = (PrivateKey) keyStore.getKey("tls", null);
      assertThat(key.getEncoded()).isNull();
      Signature signer = Signature.getInstance("SHA256withECDSA", keyStore.getProvider());
      signer.initSign(key);
      signer.update(data);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(keyStore.getCertificate("tls"));
      verifier.update(data);
      assertThat(verifier.verify(signature)).isTrue();
    }
  }

  @Test
  void keyTransferTour() throws Exception {
    Path keyFile = dir.resolve("hsm.key");
    Files.write(keyFile, new java.security.SecureRandom().generateSeed(32));
    byte[] plain = "secret".getBytes(StandardCharsets.UTF_8);

    try (HsmClient source =
            HsmClient.open(HsmConfig.sqlite(dir.resolve("source.db")).keyFile(keyFile));
        HsmClient target =
            HsmClient.open(HsmConfig.sqlite(dir.resolve("target.db")).keyFile(keyFile))) {
      KeyHandle shared = source.createKey("shared", KeySpec.aes256Gcm().withExtractable(true));

      // README: transfer
      KeyHandle transport = target.createKey("transport", KeySpec.rsaOaepSha256(3072));
      String signerPem = source.createKey("exporter", KeySpec.ecdsaP256()).publicKeyPem();
      KeySpec verifyOnly = KeySpec.ecdsaP256().withOperations(Operation.VERIFY);
      target.admin().importKey("from-source", verifyOnly, KeyMaterial.publicKeyPem(signerPem));
      byte[] exported = source.admin().exportKey("shared", transport.publicKeyPem(), "exporter");
      HsmAdmin targetAdmin = target.admin();
      KeyHandle copy =
          targetAdmin.importExportedKey("shared", exported, "transport", "from-source");

      assertThat(copy.decrypt(shared.encrypt(plain))).isEqualTo(plain);
      exported[exported.length - 1] ^= 1;
      assertThatThrownBy(
              () -> targetAdmin.importExportedKey("altered", exported, "transport", "from-source"))
          .isInstanceOf(VerificationFailedException.class);
    }
  }
}
