package dev.hsm;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export of extractable keys from store A, encrypted for store B's RSA-OAEP transport key and
 * signed by A's signing key {@code exporter}, and their import into B, which trusts {@code
 * exporter}'s public key as {@code from-a}: every version, state and attribute survives, A's
 * outputs work in B, and a blob that is altered, unsigned, signed by anyone else, meant for another
 * key or sent to the wrong kind of key never becomes a key. Holding a handle of either store's keys
 * opens or forges no export. The stores are built once (RSA key generation is slow); each test
 * imports under its own names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyTransferTest {
  private static final byte[] DATA = "pay 100 to bob".getBytes(UTF_8);
  private static final byte[] CONTEXT = "tenant=7".getBytes(UTF_8);
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final byte[] KNOWN_AES = new byte[32];
  private static final List<String> EXTRACTABLE =
      List.of("aes", "hmac", "ecdsa", "ed", "pss", "off");

  static {
    new SecureRandom().nextBytes(KNOWN_AES);
  }

  @TempDir static Path dir;

  private final AdminTestSupport.TestClock clock = new AdminTestSupport.TestClock(T0);
  private HsmClient a;
  private HsmClient b;
  private String transportPem;
  private String otherPem;
  private byte[] knownEcPkcs8;
  private final Secrets secrets = new Secrets().bytes(KNOWN_AES);

  /** Outputs made in A, by key name: each version's ciphertext, signature or tag. */
  private final Map<String, Map<Integer, byte[]>> outputs = new LinkedHashMap<>();

  private void output(String key, int version, byte[] output) {
    outputs.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(version, output);
  }

  /**
   * Store A holds extractable keys in varied states:
   *
   * <ul>
   *   <li>{@code aes}: v1 enabled, v2 disabled, v3 primary; labelled; rotation period 30 days
   *   <li>{@code hmac}: v1 scheduled for destruction, v2 primary
   *   <li>{@code ecdsa}: v1 destroyed, v2 enabled, v3 primary, minimum version 2
   *   <li>{@code ed}: Ed25519, one version
   *   <li>{@code pss}: RSA-PSS 2048, v1 and v2
   *   <li>{@code off}: HMAC, disabled as a whole
   *   <li>{@code known}: imported AES key of known bytes; {@code known-ec}: imported P-256 key
   *   <li>{@code locked}: AES, not extractable
   * </ul>
   *
   * A also holds the signing keys {@code exporter} (ECDSA P-256), {@code exporter-ed} (Ed25519),
   * {@code exporter-pss} (RSA-PSS) and {@code stranger} (ECDSA P-256, trusted nowhere).
   *
   * <p>Store B holds the RSA-OAEP transport key {@code transport}, a second one {@code other}, an
   * AES key {@code b-aes}, its own signing key {@code b-signer}, and the keys it trusts for imports
   * from A, imported from A's public keys as verify-only keys: {@code from-a} ({@code exporter}),
   * {@code from-a-ed} and {@code from-a-pss}.
   */
  @BeforeAll
  void createStores() throws Exception {
    a = HsmClient.open(TestStores.keyFileConfig(dir, "a.db").clock(clock));
    b = HsmClient.open(TestStores.keyFileConfig(dir, "b.db").clock(clock));
    transportPem = b.createKey("transport", KeySpec.rsaOaepSha256(2048)).publicKeyPem();
    otherPem = b.createKey("other", KeySpec.rsaOaepSha256(2048)).publicKeyPem();
    b.createKey("b-aes", KeySpec.aes256Gcm());
    b.createKey("b-signer", KeySpec.ed25519());
    trust("from-a", KeySpec.ecdsaP256(), a.createKey("exporter", KeySpec.ecdsaP256()));
    trust("from-a-ed", KeySpec.ed25519(), a.createKey("exporter-ed", KeySpec.ed25519()));
    trust(
        "from-a-pss",
        KeySpec.rsaPssSha256(2048),
        a.createKey("exporter-pss", KeySpec.rsaPssSha256(2048)));
    a.createKey("stranger", KeySpec.ecdsaP256());

    KeyHandle aes =
        a.createKey(
            "aes",
            KeySpec.aes256Gcm()
                .withExtractable(true)
                .withLabel("team", "payments")
                .withLabel("env", "test")
                .withRotationPeriod(Duration.ofDays(30)));
    KeyHandle hmac = a.createKey("hmac", KeySpec.hmacSha256().withExtractable(true));
    KeyHandle ecdsa = a.createKey("ecdsa", KeySpec.ecdsaP256().withExtractable(true));
    KeyHandle ed =
        a.createKey("ed", KeySpec.ed25519().withExtractable(true).withLabel("use", "jwt"));
    KeyHandle pss = a.createKey("pss", KeySpec.rsaPssSha256(2048).withExtractable(true));
    KeyHandle off = a.createKey("off", KeySpec.hmacSha512().withExtractable(true));
    for (int version = 1; version <= 3; version++) {
      clock.advance(Duration.ofMinutes(1));
      output("aes", version, aes.encrypt(DATA, CONTEXT));
      output("ecdsa", version, ecdsa.sign(DATA));
      if (version <= 2) {
        output("hmac", version, hmac.mac(DATA));
        output("pss", version, pss.sign(DATA));
      }
      if (version < 3) {
        aes.rotate();
        ecdsa.rotate();
      }
      if (version == 1) {
        hmac.rotate();
        pss.rotate();
      }
    }
    output("ed", 1, ed.sign(DATA));
    output("off", 1, off.mac(DATA));
    aes.disableVersion(2);
    off.disable();
    HsmAdmin admin = a.admin();
    admin.scheduleDestruction("ecdsa", 1, Duration.ofDays(1));
    clock.advance(Duration.ofDays(2));
    assertThat(a.applyDueChanges()).isEqualTo(1);
    admin.setMinDecryptionVersion("ecdsa", 2);
    admin.scheduleDestruction("hmac", 1, Duration.ofDays(7));

    a.importKey(
        "known", KeySpec.aes256Gcm().withExtractable(true), KeyMaterial.secretKey(KNOWN_AES));
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    KeyPair pair = ec.generateKeyPair();
    knownEcPkcs8 = pair.getPrivate().getEncoded();
    a.importKey(
        "known-ec",
        KeySpec.ecdsaP256().withExtractable(true),
        KeyMaterial.privateKeyPkcs8(knownEcPkcs8));
    a.createKey("locked", KeySpec.aes256Gcm());

    assertThat(a.key("aes").info().versions())
        .extracting(KeyVersionInfo::state)
        .containsExactly(KeyState.ENABLED, KeyState.DISABLED, KeyState.ENABLED);
    assertThat(a.key("hmac").info().versions())
        .extracting(KeyVersionInfo::state)
        .containsExactly(KeyState.SCHEDULED_FOR_DESTRUCTION, KeyState.ENABLED);
    assertThat(a.key("ecdsa").info().versions())
        .extracting(KeyVersionInfo::state)
        .containsExactly(KeyState.DESTROYED, KeyState.ENABLED, KeyState.ENABLED);
  }

  @AfterAll
  void closeStores() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  /** B's admin imports {@code signer}'s public key as the verify-only key {@code name}. */
  private void trust(String name, KeySpec spec, KeyHandle signer) {
    b.admin()
        .importKey(
            name,
            spec.withOperations(Operation.VERIFY),
            KeyMaterial.publicKeyPem(signer.publicKeyPem()));
  }

  /** A's export of {@code name} for B's {@code transport}, signed by {@code exporter}. */
  private byte[] export(String name) {
    return a.admin().exportKey(name, transportPem, "exporter");
  }

  /** B's import of {@code exported} with {@code transport}, trusting {@code from-a}. */
  private KeyHandle importInB(String importedName, byte[] exported) {
    return b.admin().importExportedKey(importedName, exported, "transport", "from-a");
  }

  private KeyHandle transfer(String name, String importedName) {
    return importInB(importedName, export(name));
  }

  private List<String> keyNames(HsmClient hsm) {
    return hsm.listKeys().stream().map(KeyInfo::name).toList();
  }

  /**
   * The newest entry of {@code action}. Not simply the last entry: reading the log first writes the
   * refusals other tests on these shared stores counted.
   */
  private static AuditEntry lastEntry(HsmClient hsm, String action) {
    List<AuditEntry> entries = hsm.auditLog().entries(1, 100_000);
    for (int i = entries.size() - 1; ; i--) {
      if (entries.get(i).action().equals(action)) {
        return entries.get(i);
      }
    }
  }

  // ---------------------------------------------------------------- what survives the transfer

  @Test
  void transferredKeys_keepVersionsStatesPrimaryLabelsAndPolicy() {
    for (String name : EXTRACTABLE) {
      KeyInfo original = a.key(name).info();
      KeyInfo copy = transfer(name, "kept-" + name).info();

      assertThat(copy.name()).isEqualTo("kept-" + name);
      assertThat(copy)
          .as(name)
          .usingRecursiveComparison()
          .ignoringFields("name", "imported")
          .isEqualTo(original);
      assertThat(copy.imported()).as(name + " imported").isTrue();
      assertThat(copy.extractable()).as(name + " extractable").isTrue();
    }
    KeyInfo aes = b.key("kept-aes").info();
    assertThat(aes.labels())
        .containsExactlyInAnyOrderEntriesOf(Map.of("team", "payments", "env", "test"));
    assertThat(aes.primaryVersion()).isEqualTo(3);
    assertThat(aes.rotationPeriod()).isEqualTo(Duration.ofDays(30));
    assertThat(aes.versions())
        .extracting(KeyVersionInfo::state)
        .containsExactly(KeyState.ENABLED, KeyState.DISABLED, KeyState.ENABLED);
    KeyInfo ecdsa = b.key("kept-ecdsa").info();
    assertThat(ecdsa.minDecryptionVersion()).isEqualTo(2);
    assertThat(ecdsa.versions().get(0).state()).isEqualTo(KeyState.DESTROYED);
    KeyVersionInfo scheduled = b.key("kept-hmac").info().versions().get(0);
    assertThat(scheduled.state()).isEqualTo(KeyState.SCHEDULED_FOR_DESTRUCTION);
    assertThat(scheduled.destruction())
        .contains(a.key("hmac").info().versions().get(0).destructionAt());
    assertThat(b.key("kept-off").info().enabled()).isFalse();
  }

  @Test
  void outputsMadeInA_withOldAndNewVersions_decryptAndVerifyInB() {
    KeyHandle aes = transfer("aes", "use-aes");
    assertThat(aes.decrypt(outputs.get("aes").get(1), CONTEXT)).isEqualTo(DATA);
    assertThat(aes.decrypt(outputs.get("aes").get(3), CONTEXT)).isEqualTo(DATA);
    assertThat(catchThrowable(() -> aes.decrypt(outputs.get("aes").get(2), CONTEXT)))
        .as("version 2 was disabled in A and still is")
        .isExactlyInstanceOf(KeyDisabledException.class);
    b.admin().scheduleDestruction("use-aes", 2, Duration.ofDays(1));
    b.admin().cancelDestruction("use-aes", 2);
    aes.enableVersion(2);
    assertThat(aes.decrypt(outputs.get("aes").get(2), CONTEXT)).isEqualTo(DATA);

    KeyHandle hmac = transfer("hmac", "use-hmac");
    hmac.verifyMac(DATA, outputs.get("hmac").get(2));
    assertThat(catchThrowable(() -> hmac.verifyMac(DATA, outputs.get("hmac").get(1))))
        .as("version 1 is scheduled for destruction")
        .isExactlyInstanceOf(KeyDisabledException.class)
        .hasMessageContaining("scheduled for destruction");

    KeyHandle ecdsa = transfer("ecdsa", "use-ecdsa");
    ecdsa.verify(DATA, outputs.get("ecdsa").get(2));
    ecdsa.verify(DATA, outputs.get("ecdsa").get(3));
    assertThat(catchThrowable(() -> ecdsa.verify(DATA, outputs.get("ecdsa").get(1))))
        .as("version 1 is below the minimum")
        .isExactlyInstanceOf(VersionBelowMinimumException.class);
    b.admin().setMinDecryptionVersion("use-ecdsa", 1);
    assertThat(catchThrowable(() -> ecdsa.verify(DATA, outputs.get("ecdsa").get(1))))
        .as("version 1 was destroyed in A: no material came over")
        .isExactlyInstanceOf(KeyVersionDestroyedException.class);
    assertThat(ecdsa.publicKeyPem()).isEqualTo(a.key("ecdsa").publicKeyPem());

    KeyHandle ed = transfer("ed", "use-ed");
    ed.verify(DATA, outputs.get("ed").get(1));
    KeyHandle pss = transfer("pss", "use-pss");
    pss.verify(DATA, outputs.get("pss").get(1));
    pss.verify(DATA, outputs.get("pss").get(2));

    // and the other way: what B makes now, A accepts
    a.key("pss").verify(DATA, pss.sign(DATA));
    a.key("ed").verify(DATA, ed.sign(DATA));
    assertThat(a.key("aes").decrypt(aes.encrypt(DATA, CONTEXT), CONTEXT)).isEqualTo(DATA);
  }

  @Test
  void importedKey_isMarkedImported_andCanBeExportedAgain() {
    KeyHandle first = transfer("ed", "hop-1");

    byte[] again = b.admin().exportKey("hop-1", otherPem, "b-signer");
    KeyHandle second = b.admin().importExportedKey("hop-2", again, "other", "b-signer");

    assertThat(first.info().imported()).isTrue();
    assertThat(second.info().imported()).isTrue();
    assertThat(second.info().extractable()).isTrue();
    second.verify(DATA, outputs.get("ed").get(1));
  }

  @Test
  void exportAndImport_areAudited_asAdminActs() {
    transfer("hmac", "audited");

    AuditEntry exported = lastEntry(a, "key.export");
    assertThat(exported.actor()).isEqualTo("admin");
    assertThat(exported.action()).isEqualTo("key.export");
    assertThat(exported.keyName()).isEqualTo("hmac");
    assertThat(exported.outcome()).isEqualTo("ok");
    assertThat(exported.detail())
        .contains("2 versions", "for transport key ", "signed by 'exporter' version 1");
    AuditEntry imported = lastEntry(b, "key.import-exported");
    assertThat(imported.actor()).isEqualTo("admin");
    assertThat(imported.action()).isEqualTo("key.import-exported");
    assertThat(imported.keyName()).isEqualTo("audited");
    assertThat(imported.outcome()).isEqualTo("ok");
    assertThat(imported.detail())
        .isEqualTo("HMAC_SHA256, exported as 'hmac', signed by 'from-a' version 1");
    a.auditLog().verify();
    b.auditLog().verify();
  }

  @Test
  void exportBlob_holdsNoKeyMaterialInClear() {
    byte[] aesBlob = export("known");
    byte[] ecBlob = export("known-ec");

    Secrets material = new Secrets().bytes(KNOWN_AES).bytes(knownEcPkcs8);
    material.assertAbsentFrom("export of 'known'", new String(aesBlob, ISO_8859_1));
    material.assertAbsentFrom("export of 'known-ec'", new String(ecBlob, ISO_8859_1));
    material.assertAbsentFrom("export of 'known', as text", new String(aesBlob, UTF_8));
    KeyHandle known = importInB("known", aesBlob);
    assertThat(known.decrypt(a.key("known").encrypt(DATA))).isEqualTo(DATA);
  }

  @Test
  void twoExportsOfTheSameKey_differ() {
    assertThat(export("known")).isNotEqualTo(export("known"));
  }

  @Test
  void exportsSignedWithEd25519OrRsaPss_areImported_whenTheirSignerIsTrusted() {
    byte[] byEd = a.admin().exportKey("ed", transportPem, "exporter-ed");
    byte[] byPss = a.admin().exportKey("aes", transportPem, "exporter-pss");

    KeyHandle ed = b.admin().importExportedKey("signed-by-ed", byEd, "transport", "from-a-ed");
    KeyHandle aes = b.admin().importExportedKey("signed-by-pss", byPss, "transport", "from-a-pss");

    ed.verify(DATA, outputs.get("ed").get(1));
    assertThat(aes.decrypt(outputs.get("aes").get(3), CONTEXT)).isEqualTo(DATA);
    assertThat(lastEntry(b, "key.import-exported").detail())
        .isEqualTo("AES_256_GCM, exported as 'aes', signed by 'from-a-pss' version 1");
  }

  // ---------------------------------------------------------------- attacks

  /**
   * The attack an outside review proved: code with no admin session, holding only a handle of the
   * destination's transport key, opens an export in transit by asking the public {@code decrypt}
   * for the ephemeral key under the export's OAEP label, then decrypts the key's material itself.
   * It recovered the exported key; now the label lies in a namespace the public API refuses, the
   * refusal is audited, and only the admin import unwraps the ephemeral key.
   */
  @Test
  void nonAdminCode_withTheTransportKeyHandle_cannotOpenAnExport_throughDecrypt() {
    byte[] exported = export("known");
    KeyHandle transport = b.key("transport"); // plain application code: no admin session
    ExportBlobs.Layout at = ExportBlobs.Layout.of(exported);
    byte[] envelope =
        ciphertextEnvelope(
            1, ExportBlobs.Layout.slice(exported, at.wrappedKey(), at.wrappedKeyLength()));

    for (String label : List.of("dev.hsm/v1/key-export", "dev.hsm/v2/key-export")) {
      OperationNotPermittedException refused =
          secrets.thrown(
              OperationNotPermittedException.class,
              () -> transport.decrypt(envelope, label.getBytes(UTF_8)),
              "'transport'",
              "\"dev.hsm/\"",
              "reserved");
      assertThat(refused).as(label).isNotNull();
    }

    AuditEntry audited = lastEntry(b, "key.decrypt");
    assertThat(audited.actor()).isEqualTo("app");
    assertThat(audited.keyName()).isEqualTo("transport");
    assertThat(audited.outcome()).isEqualTo("refused");
    assertThat(audited.detail()).contains("reserved");
    KeyHandle imported = importInB("opened-by-admin", exported);
    assertThat(imported.decrypt(a.key("known").encrypt(DATA))).isEqualTo(DATA);
  }

  /** {@code payload} as a ciphertext envelope of key version {@code version}. */
  private static byte[] ciphertextEnvelope(int version, byte[] payload) {
    byte[] envelope = new byte[5 + payload.length];
    envelope[0] = 0x01;
    envelope[4] = (byte) version;
    System.arraycopy(payload, 0, envelope, 5, payload.length);
    return envelope;
  }

  /**
   * The forgery proof of origin must stop: code in A's application, with no admin session, builds
   * an export of key material it chose for B's transport key (the format is public) and asks A's
   * signing key, through its handle, to sign it. {@code sign} refuses the export's signature input
   * (reserved namespace), and a signature over anything else does not verify in B.
   */
  @Test
  void nonAdminCode_withTheSigningKeyHandle_cannotForgeAnExport_throughSign() throws Exception {
    byte[] chosen = new byte[32];
    new SecureRandom().nextBytes(chosen);
    byte[] forged =
        ExportBlobs.unsigned(
            transportPem,
            a.key("exporter").publicKeyPem(),
            "ECDSA_P256_SHA256",
            ExportBlobs.aesPayload("planted", chosen));
    KeyHandle exporter = a.key("exporter"); // plain application code: no admin session
    List<String> keysBefore = keyNames(b);

    secrets.thrown(
        OperationNotPermittedException.class,
        () -> exporter.sign(ExportBlobs.signingInput(forged)),
        "'exporter'",
        "\"dev.hsm/\"",
        "reserved");
    AuditEntry audited = lastEntry(a, "key.sign");
    assertThat(audited.actor()).isEqualTo("app");
    assertThat(audited.keyName()).isEqualTo("exporter");
    assertThat(audited.outcome()).isEqualTo("refused");

    byte[] envelope = exporter.sign(forged); // without the prefix: an ordinary signature
    byte[] signature = java.util.Arrays.copyOfRange(envelope, 5, envelope.length);
    secrets.thrown(
        VerificationFailedException.class,
        () -> importInB("planted", ExportBlobs.concat(forged, signature)),
        "'planted'",
        "does not verify with 'from-a' version 1");
    assertThat(keyNames(b)).isEqualTo(keysBefore);
  }

  // ---------------------------------------------------------------- origin refusals

  /** Asserts the newest import entry in B is a refusal of {@code name} naming {@code fragment}. */
  private void assertImportRefusedAndAudited(String name, String fragment) {
    AuditEntry refused = lastEntry(b, "key.import-exported");
    assertThat(refused.actor()).isEqualTo("admin");
    assertThat(refused.keyName()).isEqualTo(name);
    assertThat(refused.outcome()).isEqualTo("refused");
    assertThat(refused.detail()).contains(fragment);
    assertThat(b.findKey(name)).isEmpty();
  }

  @Test
  void exportSignedByAKeyBDoesNotTrust_isVerificationFailed_audited_andStoresNothing() {
    byte[] exported = a.admin().exportKey("known", transportPem, "stranger");
    List<String> keysBefore = keyNames(b);

    secrets.thrown(
        VerificationFailedException.class,
        () -> importInB("by-stranger", exported),
        "'by-stranger'",
        "which is no version of the trusted signer 'from-a'");

    assertImportRefusedAndAudited("by-stranger", "trusted signer");
    assertThat(keyNames(b)).isEqualTo(keysBefore);
  }

  @Test
  void exportSignedWithAnotherAlgorithmThanTheTrustedSigners_isVerificationFailed() {
    byte[] exported = a.admin().exportKey("known", transportPem, "exporter-ed");

    secrets.thrown(
        VerificationFailedException.class,
        () -> importInB("by-ed", exported),
        "signed with ED25519",
        "'from-a' is ECDSA_P256_SHA256");
    assertImportRefusedAndAudited("by-ed", "ED25519");
  }

  @Test
  void version1Export_isRefused_asCarryingNoProofOfOrigin_andStoresNothing() throws Exception {
    byte[] version1 = ExportBlobs.version1(transportPem, ExportBlobs.aesPayload("old", KNOWN_AES));
    List<String> keysBefore = keyNames(b);

    secrets.thrown(
        VerificationFailedException.class,
        () -> importInB("from-v1", version1),
        "'from-v1'",
        "format version 1",
        "no proof of origin",
        "export the key again");

    assertImportRefusedAndAudited("from-v1", "format version 1");
    assertThat(keyNames(b)).isEqualTo(keysBefore);
  }

  @Test
  void exportWithItsSignatureCutOff_isVerificationFailed_asUnsigned() {
    byte[] exported = export("known");
    byte[] unsigned =
        java.util.Arrays.copyOf(exported, ExportBlobs.Layout.of(exported).signature());

    secrets.thrown(
        VerificationFailedException.class,
        () -> importInB("unsigned", unsigned),
        "carries no signature",
        "its origin cannot be verified");
    assertImportRefusedAndAudited("unsigned", "no signature");
  }

  @Test
  void exportSignedByTheTrustedKey_butForAnotherTransportKey_isInvalidCiphertext() {
    byte[] forOther = a.admin().exportKey("known", otherPem, "exporter");

    secrets.thrown(
        InvalidCiphertextException.class,
        () -> importInB("meant-for-other", forOther),
        "'meant-for-other'",
        "made for transport key",
        "no version of 'transport'");
    assertImportRefusedAndAudited("meant-for-other", "transport key");
    KeyHandle there = b.admin().importExportedKey("meant-for-other", forOther, "other", "from-a");
    assertThat(there.decrypt(a.key("known").encrypt(DATA))).isEqualTo(DATA);
  }

  @Test
  void fieldsSwappedBetweenTwoGenuineExports_failTheSignature() {
    byte[] first = export("known");
    byte[] second = export("known");
    byte[] forOther = a.admin().exportKey("known", otherPem, "exporter");
    ExportBlobs.Layout at = ExportBlobs.Layout.of(first);
    assertThat(ExportBlobs.Layout.of(second).wrappedKeyLength()).isEqualTo(at.wrappedKeyLength());
    assertThat(ExportBlobs.Layout.of(second).sealedLength()).isEqualTo(at.sealedLength());

    Map<String, byte[]> swapped = new LinkedHashMap<>();
    swapped.put("ephemeral key", swap(first, second, at.wrappedKey(), at.wrappedKeyLength()));
    swapped.put("payload", swap(first, second, at.sealed(), at.sealedLength()));
    swapped.put("signature", swap(first, second, at.signature(), first.length - at.signature()));
    swapped.put("transport key id", swap(forOther, first, at.transportKeyId(), 32));
    List<String> keysBefore = keyNames(b);

    swapped.forEach(
        (what, blob) ->
            assertThat(catchThrowable(() -> importInB("swapped", blob)))
                .as(what + " swapped")
                .isExactlyInstanceOf(VerificationFailedException.class)
                .hasMessageContaining("does not verify with 'from-a' version 1"));
    assertThat(keyNames(b)).isEqualTo(keysBefore);
  }

  /** {@code into} with {@code length} bytes at {@code from} taken from {@code donor}. */
  private static byte[] swap(byte[] into, byte[] donor, int from, int length) {
    byte[] out = into.clone();
    System.arraycopy(donor, from, out, from, length);
    assertThat(out).isNotEqualTo(into);
    return out;
  }

  @Test
  void tamperedExport_withAnyByteFlipped_failsTheOriginCheck_andNeverBecomesAKey() {
    byte[] exported = export("known");
    ExportBlobs.Layout at = ExportBlobs.Layout.of(exported);
    assertThat(at.wrappedKeyLength()).isEqualTo(256);
    assertThat(exported.length - at.signature()).isEqualTo(64); // ECDSA P-256, r || s
    List<String> keysBefore = keyNames(b);

    for (int position = 0; position < exported.length; position++) {
      boolean field = position < at.wrappedKey() || position >= at.sealed() - 4;
      for (int bit : field ? new int[] {0x01, 0x80} : new int[] {0x01}) {
        byte[] tampered = exported.clone();
        tampered[position] ^= (byte) bit;
        Throwable thrown = catchThrowable(() -> importInB("tampered", tampered));
        assertThat(thrown)
            .as("byte %d of %d flipped with 0x%02x", position, exported.length, bit)
            .isExactlyInstanceOf(VerificationFailedException.class);
        secrets.assertAbsentFrom(thrown);
      }
    }
    assertThat(keyNames(b)).isEqualTo(keysBefore);
  }

  @Test
  void truncatedExtendedOrEmptyExport_isVerificationFailed() {
    byte[] exported = export("known");
    ExportBlobs.Layout at = ExportBlobs.Layout.of(exported);
    List<byte[]> broken = new ArrayList<>();
    broken.add(new byte[0]);
    broken.add(java.util.Arrays.copyOf(exported, 4));
    broken.add(java.util.Arrays.copyOf(exported, 5));
    broken.add(java.util.Arrays.copyOf(exported, 69));
    broken.add(java.util.Arrays.copyOf(exported, at.wrappedKey()));
    broken.add(java.util.Arrays.copyOf(exported, at.sealed()));
    broken.add(java.util.Arrays.copyOf(exported, at.sealed() + 27));
    broken.add(java.util.Arrays.copyOf(exported, at.signature()));
    broken.add(java.util.Arrays.copyOf(exported, exported.length - 1));
    broken.add(java.util.Arrays.copyOf(exported, exported.length + 1));
    broken.add(ExportBlobs.concat(exported, exported));
    List<String> keysBefore = keyNames(b);

    for (byte[] blob : broken) {
      assertThat(catchThrowable(() -> importInB("broken", blob)))
          .as("blob of %d bytes", blob.length)
          .isExactlyInstanceOf(VerificationFailedException.class);
    }
    assertThat(keyNames(b)).isEqualTo(keysBefore);
  }

  @Test
  void aDisabledTrustedSigner_refusesImports_untilItIsEnabledAgain() {
    trust("from-a-paused", KeySpec.ecdsaP256(), a.key("exporter"));
    KeyHandle paused = b.key("from-a-paused");
    byte[] exported = export("known");
    paused.disable();

    secrets.thrown(
        KeyDisabledException.class,
        () -> b.admin().importExportedKey("paused", exported, "transport", "from-a-paused"),
        "'from-a-paused'",
        "disabled");
    assertThat(b.findKey("paused")).isEmpty();
    AuditEntry refused = lastEntry(b, "key.verify-export");
    assertThat(refused.actor()).isEqualTo("admin");
    assertThat(refused.outcome()).isEqualTo("refused");

    paused.enable();
    b.admin().importExportedKey("paused", exported, "transport", "from-a-paused");
    assertThat(b.findKey("paused")).isPresent();
  }

  // ---------------------------------------------------------------- other refusals

  @Test
  void nonExtractableKey_isRefused_withKeyNotExtractable_andAudited() {
    secrets.thrown(
        KeyNotExtractableException.class,
        () -> a.admin().exportKey("locked", transportPem, "exporter"),
        "'locked'",
        "not extractable");

    AuditEntry refused = lastEntry(a, "key.export");
    assertThat(refused.action()).isEqualTo("key.export");
    assertThat(refused.keyName()).isEqualTo("locked");
    assertThat(refused.outcome()).isEqualTo("refused");
  }

  @Test
  void exportSignedWithAKeyThatCannotSign_isRefused() {
    a.ensureKey("verify-only", KeySpec.ecdsaP256().withOperations(Operation.VERIFY));

    secrets.thrown(
        WrongKeyTypeException.class,
        () -> a.admin().exportKey("known", transportPem, "known"),
        "'known'",
        "sign a key export");
    secrets.thrown(
        OperationNotPermittedException.class,
        () -> a.admin().exportKey("known", transportPem, "verify-only"),
        "'verify-only'",
        "SIGN");
    AuditEntry refused = lastEntry(a, "key.sign-export");
    assertThat(refused.actor()).isEqualTo("admin");
    assertThat(refused.keyName()).isEqualTo("verify-only");
    assertThat(refused.outcome()).isEqualTo("refused");
    assertThat(catchThrowable(() -> a.admin().exportKey("known", transportPem, "nope")))
        .isExactlyInstanceOf(KeyNotFoundException.class);
  }

  @Test
  void blobImportedWithADifferentRsaOaepKey_isInvalidCiphertext() {
    byte[] exported = export("known");

    secrets.thrown(
        InvalidCiphertextException.class,
        () -> b.admin().importExportedKey("wrong-transport", exported, "other", "from-a"),
        "'other'");
    assertThat(b.findKey("wrong-transport")).isEmpty();
  }

  @Test
  void transportOrSignerKeyOfTheWrongType_isWrongKeyType() {
    byte[] exported = export("known");

    secrets.thrown(
        WrongKeyTypeException.class,
        () -> b.admin().importExportedKey("wrong-type", exported, "b-aes", "from-a"),
        "'b-aes'",
        "RSA_OAEP_SHA256");
    secrets.thrown(
        WrongKeyTypeException.class,
        () -> b.admin().importExportedKey("wrong-type", exported, "transport", "b-aes"),
        "'b-aes'",
        "verify a key export's signature");
    assertThat(b.findKey("wrong-type")).isEmpty();
    assertThat(
            catchThrowable(
                () -> b.admin().importExportedKey("wrong-type", exported, "nope", "from-a")))
        .isExactlyInstanceOf(KeyNotFoundException.class);
    assertThat(
            catchThrowable(
                () -> b.admin().importExportedKey("wrong-type", exported, "transport", "nope")))
        .isExactlyInstanceOf(KeyNotFoundException.class);
  }

  @Test
  void exportToAPublicKeyThatIsNotRsa_isInvalidKeyMaterial() throws Exception {
    String ecPem = a.key("ecdsa").publicKeyPem();
    String edPem = a.key("ed").publicKeyPem();
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    String smallRsaPem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(rsa.generateKeyPair().getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";

    for (String pem :
        List.of(
            ecPem,
            edPem,
            "not a PEM at all",
            smallRsaPem,
            transportPem.replace("PUBLIC", "PRIVATE"))) {
      assertThat(catchThrowable(() -> a.admin().exportKey("known", pem, "exporter")))
          .as(pem)
          .isExactlyInstanceOf(InvalidKeyMaterialException.class);
    }
    assertThat(catchThrowable(() -> a.admin().exportKey("known", smallRsaPem, "exporter")))
        .hasMessageContaining("2048");
  }

  @Test
  void importUnderATakenName_isKeyAlreadyExists_andKeepsTheExistingKey() {
    byte[] exported = export("known");
    KeyInfo before = b.key("b-aes").info();

    assertThat(catchThrowable(() -> importInB("b-aes", exported)))
        .isExactlyInstanceOf(KeyAlreadyExistsException.class);
    assertThat(b.key("b-aes").info()).isEqualTo(before);
  }
}
