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
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export of extractable keys from store A, encrypted for store B's RSA-OAEP transport key, and
 * their import into B: every version, state and attribute survives, A's outputs work in B, and a
 * blob that is altered, meant for another key or sent to the wrong kind of key never becomes a key.
 * The stores are built once (RSA key generation is slow); each test imports under its own names.
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
   * Store B holds the RSA-OAEP transport key {@code transport}, a second one {@code other}, and an
   * AES key {@code b-aes}.
   */
  @BeforeAll
  void createStores() throws Exception {
    a = HsmClient.open(TestStores.keyFileConfig(dir, "a.db").clock(clock));
    b = HsmClient.open(TestStores.keyFileConfig(dir, "b.db").clock(clock));
    transportPem = b.createKey("transport", KeySpec.rsaOaepSha256(2048)).publicKeyPem();
    b.createKey("other", KeySpec.rsaOaepSha256(2048));
    b.createKey("b-aes", KeySpec.aes256Gcm());

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

  private KeyHandle transfer(String name, String importedName) {
    byte[] exported = a.admin().exportKey(name, transportPem);
    return b.admin().importExportedKey(importedName, exported, "transport");
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
    String otherPem = b.key("other").publicKeyPem();

    byte[] again = b.admin().exportKey("hop-1", otherPem);
    KeyHandle second = b.admin().importExportedKey("hop-2", again, "other");

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
    AuditEntry imported = lastEntry(b, "key.import-exported");
    assertThat(imported.actor()).isEqualTo("admin");
    assertThat(imported.action()).isEqualTo("key.import-exported");
    assertThat(imported.keyName()).isEqualTo("audited");
    assertThat(imported.outcome()).isEqualTo("ok");
    a.auditLog().verify();
    b.auditLog().verify();
  }

  @Test
  void exportBlob_holdsNoKeyMaterialInClear() {
    byte[] aesBlob = a.admin().exportKey("known", transportPem);
    byte[] ecBlob = a.admin().exportKey("known-ec", transportPem);

    Secrets material = new Secrets().bytes(KNOWN_AES).bytes(knownEcPkcs8);
    material.assertAbsentFrom("export of 'known'", new String(aesBlob, ISO_8859_1));
    material.assertAbsentFrom("export of 'known-ec'", new String(ecBlob, ISO_8859_1));
    material.assertAbsentFrom("export of 'known', as text", new String(aesBlob, UTF_8));
    KeyHandle known = b.admin().importExportedKey("known", aesBlob, "transport");
    assertThat(known.decrypt(a.key("known").encrypt(DATA))).isEqualTo(DATA);
  }

  @Test
  void twoExportsOfTheSameKey_differ() {
    assertThat(a.admin().exportKey("known", transportPem))
        .isNotEqualTo(a.admin().exportKey("known", transportPem));
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
    byte[] exported = a.admin().exportKey("known", transportPem);
    KeyHandle transport = b.key("transport"); // plain application code: no admin session
    byte[] envelope = ciphertextEnvelope(1, wrappedKeyOf(exported));

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
    KeyHandle imported = b.admin().importExportedKey("opened-by-admin", exported, "transport");
    assertThat(imported.decrypt(a.key("known").encrypt(DATA))).isEqualTo(DATA);
  }

  /** The RSA-OAEP ciphertext of the ephemeral key in an export blob (FORMATS.md's layout). */
  private static byte[] wrappedKeyOf(byte[] exported) {
    int length = ((exported[5] & 0xff) << 8) | (exported[6] & 0xff);
    return java.util.Arrays.copyOfRange(exported, 7, 7 + length);
  }

  /** {@code payload} as a ciphertext envelope of key version {@code version}. */
  private static byte[] ciphertextEnvelope(int version, byte[] payload) {
    byte[] envelope = new byte[5 + payload.length];
    envelope[0] = 0x01;
    envelope[4] = (byte) version;
    System.arraycopy(payload, 0, envelope, 5, payload.length);
    return envelope;
  }

  // ---------------------------------------------------------------- refusals

  @Test
  void nonExtractableKey_isRefused_withKeyNotExtractable_andAudited() {
    secrets.thrown(
        KeyNotExtractableException.class,
        () -> a.admin().exportKey("locked", transportPem),
        "'locked'",
        "not extractable");

    AuditEntry refused = lastEntry(a, "key.export");
    assertThat(refused.action()).isEqualTo("key.export");
    assertThat(refused.keyName()).isEqualTo("locked");
    assertThat(refused.outcome()).isEqualTo("refused");
  }

  @Test
  void tamperedBlob_withAnyByteFlipped_isInvalidCiphertext_andNeverAKey() {
    byte[] exported = a.admin().exportKey("known", transportPem);
    int wrappedKeyLength = ((exported[5] & 0xff) << 8) | (exported[6] & 0xff);
    assertThat(wrappedKeyLength).isEqualTo(256);
    int nonce = 7 + wrappedKeyLength;
    int ciphertext = nonce + 12;
    TreeSet<Integer> positions = new TreeSet<>();
    for (int i = 0; i < 7; i++) {
      positions.add(i); // magic, format, length
    }
    for (int i = 7; i < nonce; i += 37) {
      positions.add(i); // RSA-OAEP wrapped key
    }
    positions.add(nonce - 1);
    for (int i = nonce; i < ciphertext; i++) {
      positions.add(i); // GCM nonce
    }
    for (int i = ciphertext; i < exported.length; i += 23) {
      positions.add(i); // AES-GCM ciphertext
    }
    for (int i = exported.length - 16; i < exported.length; i++) {
      positions.add(i); // GCM tag
    }
    List<String> keysBefore = keyNames(b);

    for (int position : positions) {
      for (int bit : new int[] {0x01, 0x80}) {
        byte[] tampered = exported.clone();
        tampered[position] ^= (byte) bit;
        Throwable thrown =
            catchThrowable(() -> b.admin().importExportedKey("tampered", tampered, "transport"));
        assertThat(thrown)
            .as("byte %d of %d flipped with 0x%02x", position, exported.length, bit)
            .isExactlyInstanceOf(InvalidCiphertextException.class);
        secrets.assertAbsentFrom(thrown);
      }
    }
    assertThat(keyNames(b)).isEqualTo(keysBefore);
  }

  @Test
  void truncatedExtendedOrEmptyBlob_isInvalidCiphertext() {
    byte[] exported = a.admin().exportKey("known", transportPem);
    List<byte[]> broken = new ArrayList<>();
    broken.add(new byte[0]);
    broken.add(java.util.Arrays.copyOf(exported, 4));
    broken.add(java.util.Arrays.copyOf(exported, 7));
    broken.add(java.util.Arrays.copyOf(exported, 7 + 256));
    broken.add(java.util.Arrays.copyOf(exported, 7 + 256 + 12 + 15));
    broken.add(java.util.Arrays.copyOf(exported, exported.length - 1));
    broken.add(java.util.Arrays.copyOf(exported, exported.length + 1));
    List<String> keysBefore = keyNames(b);

    for (byte[] blob : broken) {
      assertThat(catchThrowable(() -> b.admin().importExportedKey("broken", blob, "transport")))
          .as("blob of %d bytes", blob.length)
          .isExactlyInstanceOf(InvalidCiphertextException.class);
    }
    assertThat(keyNames(b)).isEqualTo(keysBefore);
  }

  @Test
  void blobImportedWithADifferentRsaOaepKey_isInvalidCiphertext() {
    byte[] exported = a.admin().exportKey("known", transportPem);

    secrets.thrown(
        InvalidCiphertextException.class,
        () -> b.admin().importExportedKey("wrong-transport", exported, "other"),
        "'other'");
    assertThat(b.findKey("wrong-transport")).isEmpty();
  }

  @Test
  void transportKeyOfTheWrongType_isWrongKeyType() {
    byte[] exported = a.admin().exportKey("known", transportPem);

    secrets.thrown(
        WrongKeyTypeException.class,
        () -> b.admin().importExportedKey("wrong-type", exported, "b-aes"),
        "'b-aes'",
        "RSA_OAEP_SHA256");
    assertThat(b.findKey("wrong-type")).isEmpty();
    assertThat(catchThrowable(() -> b.admin().importExportedKey("wrong-type", exported, "nope")))
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
      assertThat(catchThrowable(() -> a.admin().exportKey("known", pem)))
          .as(pem)
          .isExactlyInstanceOf(InvalidKeyMaterialException.class);
    }
    assertThat(catchThrowable(() -> a.admin().exportKey("known", smallRsaPem)))
        .hasMessageContaining("2048");
  }

  @Test
  void importUnderATakenName_isKeyAlreadyExists_andKeepsTheExistingKey() {
    byte[] exported = a.admin().exportKey("known", transportPem);
    KeyInfo before = b.key("b-aes").info();

    assertThat(catchThrowable(() -> b.admin().importExportedKey("b-aes", exported, "transport")))
        .isExactlyInstanceOf(KeyAlreadyExistsException.class);
    assertThat(b.key("b-aes").info()).isEqualTo(before);
  }
}
