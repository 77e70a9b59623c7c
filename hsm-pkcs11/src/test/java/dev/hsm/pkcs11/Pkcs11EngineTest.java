package dev.hsm.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.Algorithm;
import dev.hsm.AuditEntry;
import dev.hsm.DataKey;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.KeyDisabledException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyIntegrityException;
import dev.hsm.KeyMaterial;
import dev.hsm.KeyNotExtractableException;
import dev.hsm.KeySpec;
import dev.hsm.KeyVersionDestroyedException;
import dev.hsm.Operation;
import dev.hsm.PinSource;
import dev.hsm.StandardSigner;
import dev.hsm.VerificationFailedException;
import dev.hsm.VersionBelowMinimumException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine above the PKCS#11 custody, through the public API on an SQLite store and a SoftHSM2
 * token: everything works as with software custody, each version is a token object, destruction
 * deletes it, and the store holds only references.
 */
class Pkcs11EngineTest {
  private static final byte[] DATA = "an invoice".getBytes(StandardCharsets.UTF_8);
  private static final byte[] CONTEXT = "customer 7".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  private final TestClock clock = new TestClock();
  private HsmClient hsm;

  @BeforeAll
  static void token() {
    SoftHsm.assumeAvailable();
  }

  @BeforeEach
  void open() throws Exception {
    hsm = HsmClient.open(config());
  }

  private HsmConfig config() throws Exception {
    Path keyFile = dir.resolve("hsm.key");
    if (!Files.exists(keyFile)) {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      Files.write(keyFile, random);
    }
    return HsmConfig.sqlite(dir.resolve("hsm.db"))
        .keyFile(keyFile)
        .clock(clock)
        // The core's delegate, as an application configures it, finding the token by its label.
        .pkcs11(SoftHsm.library(), SoftHsm.LABEL, PinSource.of(SoftHsm.PIN));
  }

  @AfterEach
  void close() {
    if (hsm != null) {
      hsm.close();
    }
  }

  @Test
  void signatures_madeInTheToken_verifyWithTheExportedPublicKey() throws Exception {
    KeyHandle key = hsm.createKey("invoices", KeySpec.ecdsaP256());
    byte[] signature = key.sign(DATA);
    key.verify(DATA, signature);
    assertThatThrownBy(() -> key.verify("other".getBytes(StandardCharsets.UTF_8), signature))
        .isInstanceOf(VerificationFailedException.class);

    // A raw signature covers its 5-byte envelope header followed by the data (docs/FORMATS.md).
    Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
    jdk.initVerify(publicKey(key.publicKeyPem(), "EC"));
    jdk.update(Arrays.copyOf(signature, 5));
    jdk.update(DATA);
    assertThat(jdk.verify(signature, 5, signature.length - 5)).isTrue();

    String jws = key.signJws(DATA);
    assertThat(key.verifyJws(jws)).isEqualTo(DATA);
  }

  @Test
  void rsaPssAndPkcs1_signInTheToken() {
    for (KeySpec spec : List.of(KeySpec.rsaPssSha256(2048), KeySpec.rsaPkcs1Sha256(2048))) {
      KeyHandle key = hsm.createKey("rsa-" + spec.algorithm().name().toLowerCase(), spec);
      key.verify(DATA, key.sign(DATA));
      assertThat(key.verifyJws(key.signJws(DATA))).isEqualTo(DATA);
    }
  }

  @Test
  void standardSignaturesAndOaep_forOutsideTools_comeFromTheToken() throws Exception {
    KeyHandle release =
        hsm.createKey("release", KeySpec.ecdsaP256().withOperations(Operation.SIGN_STANDARD));
    Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
    jdk.initVerify(publicKey(release.publicKeyPem(), "EC"));
    jdk.update(DATA);
    assertThat(jdk.verify(release.signStandard(DATA))).isTrue();
    StandardSigner streamed = release.standardSigner();
    streamed.update(DATA, 0, 4);
    streamed.update(DATA, 4, DATA.length - 4);
    jdk.update(DATA);
    assertThat(jdk.verify(streamed.sign())).isTrue();

    KeyHandle transport = hsm.createKey("inbox", KeySpec.rsaOaepSha256(2048));
    Cipher sender = Cipher.getInstance("RSA/ECB/OAEPPadding", "SunJCE");
    sender.init(
        Cipher.ENCRYPT_MODE,
        publicKey(transport.publicKeyPem(), "RSA"),
        new OAEPParameterSpec(
            "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
    assertThat(transport.decryptStandardOaep(sender.doFinal(DATA), new byte[0], 1)).isEqualTo(DATA);
  }

  @Test
  void encryption_dataKeysAndMacs_runInTheToken() throws Exception {
    KeyHandle pii = hsm.createKey("pii", KeySpec.aes256Gcm());
    byte[] ciphertext = pii.encrypt(DATA, CONTEXT);
    assertThat(pii.decrypt(ciphertext, CONTEXT)).isEqualTo(DATA);
    assertThatThrownBy(() -> pii.decrypt(ciphertext, "other".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(dev.hsm.InvalidCiphertextException.class);

    DataKey dataKey = pii.generateDataKey(CONTEXT);
    byte[] plainKey = dataKey.plaintextKey();
    assertThat(pii.decrypt(dataKey.encryptedKey(), CONTEXT)).isEqualTo(plainKey);
    Cipher bulk = Cipher.getInstance("AES/GCM/NoPadding");
    bulk.init(
        Cipher.ENCRYPT_MODE,
        new SecretKeySpec(plainKey, "AES"),
        new GCMParameterSpec(128, new byte[12]));
    assertThat(bulk.doFinal(DATA)).hasSize(DATA.length + 16);

    KeyHandle tags = hsm.createKey("webhooks", KeySpec.hmacSha256());
    byte[] tag = tags.mac(DATA);
    tags.verifyMac(DATA, tag);
    assertThatThrownBy(() -> tags.verifyMac("other".getBytes(StandardCharsets.UTF_8), tag))
        .isInstanceOf(VerificationFailedException.class);

    KeyHandle oaep = hsm.createKey("transport", KeySpec.rsaOaepSha256(2048));
    assertThat(oaep.decrypt(oaep.encrypt(DATA, CONTEXT), CONTEXT)).isEqualTo(DATA);
  }

  @Test
  void eachVersion_isATokenObject_andOldVersionsStillDecrypt() throws Exception {
    KeyHandle pii = hsm.createKey("pii", KeySpec.aes256Gcm());
    byte[] before = pii.encrypt(DATA, CONTEXT);
    assertThat(pii.rotate()).isEqualTo(2);
    byte[] after = pii.encrypt(DATA, CONTEXT);
    assertThat(pii.decrypt(before, CONTEXT)).isEqualTo(DATA);
    assertThat(pii.decrypt(after, CONTEXT)).isEqualTo(DATA);

    String one = alias("pii", 1);
    String two = alias("pii", 2);
    assertThat(one).startsWith("dev.hsm/pii/v1/");
    assertThat(two).startsWith("dev.hsm/pii/v2/");
    assertThat(TokenObjects.aliases("dev.hsm/pii/")).contains(one, two);
  }

  @Test
  void disable_andMinimumDecryptionVersion_areEnforced() {
    KeyHandle pii = hsm.createKey("pii", KeySpec.aes256Gcm());
    byte[] old = pii.encrypt(DATA, CONTEXT);
    pii.disable();
    assertThatThrownBy(() -> pii.encrypt(DATA, CONTEXT)).isInstanceOf(KeyDisabledException.class);
    pii.enable();
    pii.rotate();
    hsm.admin().setMinDecryptionVersion("pii", 2);
    assertThatThrownBy(() -> pii.decrypt(old, CONTEXT))
        .isInstanceOf(VersionBelowMinimumException.class);
  }

  @Test
  void scheduledDestruction_deletesTheTokenObject() throws Exception {
    KeyHandle pii = hsm.createKey("pii", KeySpec.aes256Gcm());
    byte[] old = pii.encrypt(DATA, CONTEXT);
    pii.rotate();
    String one = alias("pii", 1);
    assertThat(TokenObjects.aliases(one)).containsExactly(one);

    hsm.admin().scheduleDestruction("pii", 1, Duration.ofDays(1));
    clock.advance(Duration.ofDays(2));
    assertThat(hsm.applyDueChanges()).isEqualTo(1);

    assertThat(TokenObjects.aliases(one)).isEmpty();
    assertThatThrownBy(() -> pii.decrypt(old, CONTEXT))
        .isInstanceOf(KeyVersionDestroyedException.class);
    assertThat(pii.decrypt(pii.encrypt(DATA, CONTEXT), CONTEXT)).isEqualTo(DATA);
  }

  @Test
  void privateKeyDestruction_deletesTheKeyAndItsCertificate() throws Exception {
    KeyHandle key = hsm.createKey("signer", KeySpec.ecdsaP256());
    key.rotate();
    String one = alias("signer", 1);
    assertThat(TokenObjects.aliases(one)).containsExactly(one);
    hsm.admin().scheduleDestruction("signer", 1, Duration.ofDays(1));
    clock.advance(Duration.ofDays(2));
    hsm.applyDueChanges();
    assertThat(TokenObjects.aliases(one)).isEmpty();
    key.verify(DATA, key.sign(DATA));
  }

  @Test
  void theAuditLog_recordsTheLifecycle() {
    KeyHandle pii = hsm.createKey("pii", KeySpec.aes256Gcm());
    pii.rotate();
    pii.disable();
    assertThatThrownBy(() -> pii.encrypt(DATA, CONTEXT)).isInstanceOf(KeyDisabledException.class);
    long entries = hsm.auditLog().verify();
    List<String> actions =
        hsm.auditLog().entries(1, (int) entries).stream()
            .map(AuditEntry::action)
            .collect(Collectors.toList());
    assertThat(actions).contains("key.create", "key.rotate", "key.disable");
  }

  @Test
  void theStore_holdsOnlyReferences_neverMaterial() throws Exception {
    hsm.createKey("pii", KeySpec.aes256Gcm());
    hsm.createKey("tags", KeySpec.hmacSha512());
    hsm.createKey("signer", KeySpec.ecdsaP384());
    hsm.close();
    hsm = null;
    for (String[] row : rows()) {
      byte[] material = Base64.getDecoder().decode(row[1]);
      ByteBuffer in = ByteBuffer.wrap(material);
      byte[] magic = new byte[4];
      in.get(magic);
      assertThat(magic).as(row[0]).isEqualTo(new byte[] {'P', '1', '1', 1});
      byte[] alias = new byte[in.getShort()];
      in.get(alias);
      assertThat(new String(alias, StandardCharsets.UTF_8))
          .startsWith("dev.hsm/" + row[0] + "/v1/");
      int check = in.get() & 0xff;
      // A check value: AES-GCM's nonce and tag of an empty message, an HMAC tag, or none.
      assertThat(check).as(row[0]).isIn(0, 28, 64);
      assertThat(in.remaining()).isEqualTo(check);
    }
  }

  @Test
  void import_isRefused_andNothingIsStored() {
    assertThatThrownBy(
            () ->
                hsm.importKey("imported", KeySpec.aes256Gcm(), KeyMaterial.secretKey(new byte[32])))
        .isInstanceOf(UnsupportedByTokenException.class);
    assertThat(hsm.findKey("imported")).isEmpty();
  }

  @Test
  void aKeyWhoseNameIsTaken_leavesNoObjectInTheToken() throws Exception {
    hsm.createKey("taken", KeySpec.hmacSha256());
    String stored = alias("taken", 1);
    String prefix = stored.substring(0, stored.lastIndexOf('-') + 1); // this store's version 1
    assertThatThrownBy(() -> hsm.createKey("taken", KeySpec.hmacSha256()))
        .isInstanceOf(KeyAlreadyExistsException.class);
    assertThat(TokenObjects.aliases(prefix)).containsExactly(stored);
  }

  @Test
  void anAlgorithmTheTokenLacks_failsAtCreation_namingTheMechanism() {
    assertThatThrownBy(() -> hsm.createKey("ed", KeySpec.ed25519()))
        .isInstanceOf(UnsupportedByTokenException.class)
        .hasMessageContaining("ED25519")
        .hasMessageContaining("CKM_EDDSA");
    assertThat(hsm.findKey("ed")).isEmpty();
  }

  @Test
  void aRecordPointedAtAnotherKeysObject_failsClosed() throws Exception {
    hsm.createKey("a", KeySpec.hmacSha256());
    KeyHandle b = hsm.createKey("b", KeySpec.hmacSha256());
    byte[] tag = b.mac(DATA);
    hsm.close();
    hsm = null;
    byte[] material = material("a", 1);
    try (Connection sqlite = sqlite();
        PreparedStatement update =
            sqlite.prepareStatement(
                "UPDATE key_version SET wrapped_material = ? WHERE key_name = 'b'")) {
      update.setBytes(1, material);
      update.executeUpdate();
    }
    hsm = HsmClient.open(config());
    KeyHandle reopened = hsm.key("b");
    assertThatThrownBy(() -> reopened.verifyMac(DATA, tag))
        .isInstanceOf(KeyIntegrityException.class);
    hsm.key("a").mac(DATA); // the other key is untouched
  }

  @Test
  void aTokenObjectDeletedBehindTheStoresBack_failsClosed() throws Exception {
    hsm.createKey("k", KeySpec.ecdsaP256());
    String alias = alias("k", 1);
    hsm.close();
    TokenObjects.delete(alias);
    hsm = HsmClient.open(config());
    assertThatThrownBy(() -> hsm.key("k").sign(DATA))
        .isInstanceOf(KeyIntegrityException.class)
        .hasMessageContaining("not in the");
  }

  @Test
  void exportMaterial_isRefusedByTheCustody() {
    hsm.createKey("k", KeySpec.hmacSha256().withExtractable(true));
    assertThatThrownBy(
            () -> {
              KeyHandle transport = hsm.createKey("t", KeySpec.rsaOaepSha256(2048));
              hsm.createKey("s", KeySpec.ecdsaP256());
              hsm.admin().exportKey("k", transport.publicKeyPem(), "s");
            })
        .isInstanceOf(KeyNotExtractableException.class);
  }

  @Test
  void algorithmsChosenForSoftware_stayWrappedInTheStore_theOthersGoToTheToken() throws Exception {
    hsm.close();
    hsm =
        HsmClient.open(
            config()
                .pkcs11(
                    SoftHsm.library(),
                    SoftHsm.slot(),
                    PinSource.of(SoftHsm.PIN),
                    Set.of(Algorithm.AES_256_GCM_SIV)));
    KeyHandle lookup = hsm.createKey("lookup", KeySpec.aes256GcmSiv());
    assertThat(lookup.encrypt(DATA, CONTEXT)).isEqualTo(lookup.encrypt(DATA, CONTEXT));
    KeyHandle pii = hsm.createKey("pii", KeySpec.aes256Gcm());
    assertThat(pii.decrypt(pii.encrypt(DATA, CONTEXT), CONTEXT)).isEqualTo(DATA);
    assertThat(hsm.cryptoProvider(Algorithm.AES_256_GCM_SIV)).contains("software custody");
    assertThat(hsm.cryptoProvider(Algorithm.AES_256_GCM)).contains("SunPKCS11");
    assertThat(alias("pii", 1)).startsWith("dev.hsm/pii/v1/");
    assertThat(Arrays.copyOf(material("lookup", 1), 4)).isNotEqualTo(new byte[] {'P', '1', '1', 1});
  }

  // ---------------------------------------------------------------- helpers

  private static java.security.PublicKey publicKey(String pem, String algorithm) throws Exception {
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance(algorithm)
        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }

  private Connection sqlite() throws Exception {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("hsm.db"));
  }

  private byte[] material(String key, int version) throws Exception {
    try (Connection sqlite = sqlite();
        PreparedStatement query =
            sqlite.prepareStatement(
                "SELECT wrapped_material FROM key_version WHERE key_name = ? AND version = ?")) {
      query.setString(1, key);
      query.setInt(2, version);
      try (ResultSet rows = query.executeQuery()) {
        assertThat(rows.next()).isTrue();
        return rows.getBytes(1);
      }
    }
  }

  /** Every version row: key name and material (base64). */
  private List<String[]> rows() throws Exception {
    List<String[]> rows = new ArrayList<>();
    try (Connection sqlite = sqlite();
        PreparedStatement query =
            sqlite.prepareStatement("SELECT key_name, wrapped_material FROM key_version");
        ResultSet result = query.executeQuery()) {
      while (result.next()) {
        rows.add(
            new String[] {
              result.getString(1), Base64.getEncoder().encodeToString(result.getBytes(2))
            });
      }
    }
    assertThat(rows).hasSize(3);
    return rows;
  }

  /** The token alias a version's record names. */
  private String alias(String key, int version) throws Exception {
    ByteBuffer in = ByteBuffer.wrap(material(key, version));
    in.position(4);
    byte[] alias = new byte[in.getShort()];
    in.get(alias);
    return new String(alias, StandardCharsets.UTF_8);
  }

  /** A clock that stands still until moved. */
  static final class TestClock extends Clock {
    private final AtomicReference<Instant> now =
        new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));

    void advance(Duration duration) {
      now.updateAndGet(instant -> instant.plus(duration));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
