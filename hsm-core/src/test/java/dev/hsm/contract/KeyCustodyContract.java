package dev.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.Algorithm;
import dev.hsm.HsmConfig;
import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyIntegrityException;
import dev.hsm.KeyMaterial;
import dev.hsm.Operation;
import dev.hsm.spi.CustodyContext;
import dev.hsm.spi.CustodyRecord;
import dev.hsm.spi.KeyCustody;
import dev.hsm.spi.KeyOperations;
import dev.hsm.spi.VersionBinding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every {@link KeyCustody} must do, whoever holds the material: a backend's test extends this
 * class and supplies its factory (like micronaut-cache's cache-tck). Software custody passes it
 * (pure Java and with the native provider); a PKCS#11 custody must too, declaring what its token
 * cannot do through the {@code supports...} hooks.
 *
 * <p>Outputs are checked against the JDK's own providers where the format is standard, so a custody
 * cannot pass by agreeing with itself.
 */
public abstract class KeyCustodyContract {
  private static final byte[] DATA = "the custody contract".getBytes(StandardCharsets.UTF_8);
  private static final byte[] CONTEXT = "order 42".getBytes(StandardCharsets.UTF_8);
  private static final byte[] HEADER = {1, 0, 0, 0, 1};

  /** Signatures that are a function of key and data alone, so streamed and whole are equal. */
  private static final Set<Algorithm> DETERMINISTIC =
      EnumSet.of(
          Algorithm.ED25519,
          Algorithm.RSA_PKCS1_SHA256,
          Algorithm.RSA_PKCS1_SHA384,
          Algorithm.RSA_PKCS1_SHA512);

  /** The JDK's names for the standard signatures it verifies (ECDSA as P1363 r||s). */
  private static final Map<Algorithm, String> JDK_SIGNATURES =
      Map.of(
          Algorithm.ECDSA_P256_SHA256, "SHA256withECDSAinP1363Format",
          Algorithm.ECDSA_P384_SHA384, "SHA384withECDSAinP1363Format",
          Algorithm.ECDSA_P521_SHA512, "SHA512withECDSAinP1363Format",
          Algorithm.ED25519, "Ed25519",
          Algorithm.RSA_PKCS1_SHA256, "SHA256withRSA",
          Algorithm.RSA_PKCS1_SHA384, "SHA384withRSA",
          Algorithm.RSA_PKCS1_SHA512, "SHA512withRSA");

  @TempDir protected Path dir;

  private final List<KeyCustody> opened = new ArrayList<>();
  private String storeId;
  private byte[] masterKey;
  private KeyCustody custody;

  /** The custody under test. */
  protected abstract KeyCustody.Factory factory();

  /** The configuration the custody is opened with; override for custody-specific settings. */
  protected HsmConfig config() {
    return HsmConfig.sqlite(dir.resolve("unused.db"));
  }

  /** Whether the custody holds keys of {@code algorithm}; a token may lack some mechanisms. */
  protected boolean supports(Algorithm algorithm) {
    return true;
  }

  /** Whether the custody takes in outside material ({@link KeyCustody#importMaterial}). */
  protected boolean supportsImport() {
    return true;
  }

  /** Whether the custody releases the material of extractable keys for export. */
  protected boolean releasesMaterial() {
    return true;
  }

  @BeforeEach
  void openCustody() {
    storeId = HexFormat.of().formatHex(random(16));
    masterKey = random(32);
    custody = open(masterKey);
  }

  @AfterEach
  void closeCustodies() {
    opened.forEach(KeyCustody::close);
  }

  private KeyCustody open(byte[] master) {
    KeyCustody opened = factory().open(new TestContext(storeId, master, config()));
    this.opened.add(opened);
    return opened;
  }

  // ---------------------------------------------------------------- generate and open

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void generatedKey_opensAndRunsItsOperations(Algorithm algorithm) throws Exception {
    skipUnless(supports(algorithm));
    VersionBinding version = binding("k", 1, algorithm, false);
    KeyOperations ops = custody.open(version, custody.generate(version));
    assertThat(ops.algorithm()).isEqualTo(algorithm);
    roundTrip(ops);
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void twoGeneratedVersions_areDifferentKeys(Algorithm algorithm) throws Exception {
    skipUnless(supports(algorithm));
    VersionBinding one = binding("k", 1, algorithm, false);
    VersionBinding two = binding("k", 2, algorithm, false);
    KeyOperations first = custody.open(one, custody.generate(one));
    KeyOperations second = custody.open(two, custody.generate(two));
    switch (algorithm.kind()) {
      case SIGNATURE:
      case MAC:
        assertThat(second.verify(DATA, first.sign(DATA), 0)).isFalse();
        break;
      default:
        byte[] ciphertext = first.encrypt(HEADER, DATA, CONTEXT);
        assertThatThrownBy(() -> second.decrypt(ciphertext, HEADER.length, CONTEXT))
            .isInstanceOf(GeneralSecurityException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"ECDSA_P256_SHA256", "ED25519", "RSA_PSS_SHA256", "RSA_OAEP_SHA256"})
  void asymmetricKeys_recordTheirPublicKey_asTheOpenedKeyHasIt(Algorithm algorithm) {
    skipUnless(supports(algorithm));
    VersionBinding version = binding("k", 1, algorithm, false);
    CustodyRecord record = custody.generate(version);
    assertThat(record.publicKey()).isNotNull();
    assertThat(custody.open(version, record).publicKey().getEncoded())
        .isEqualTo(record.publicKey());
  }

  @Test
  void symmetricKeys_recordNoPublicKey() {
    VersionBinding version = binding("k", 1, Algorithm.AES_256_GCM, false);
    assertThat(custody.generate(version).publicKey()).isNull();
  }

  @Test
  void aRecord_opensOnlyForTheVersionItWasMadeFor() {
    VersionBinding one = binding("k", 1, Algorithm.AES_256_GCM, false);
    CustodyRecord record = custody.generate(one);
    VersionBinding otherVersion = binding("k", 2, Algorithm.AES_256_GCM, false);
    VersionBinding otherKey = binding("other", 1, Algorithm.AES_256_GCM, false);
    VersionBinding madeExtractable = binding("k", 1, Algorithm.AES_256_GCM, true);
    for (VersionBinding wrong : List.of(otherVersion, otherKey, madeExtractable)) {
      assertThatThrownBy(() -> custody.open(wrong, record))
          .as("opened as %s", wrong)
          .isInstanceOf(KeyIntegrityException.class)
          .hasMessageContaining("key '" + wrong.keyName() + "' version " + wrong.version());
    }
  }

  @Test
  void anEditedRecord_failsItsIntegrityCheck() {
    VersionBinding version = binding("k", 1, Algorithm.HMAC_SHA256, false);
    CustodyRecord record = custody.generate(version);
    byte[] edited = record.material().clone();
    edited[edited.length / 2] ^= 1;
    assertThatThrownBy(() -> custody.open(version, new CustodyRecord(edited, null)))
        .isInstanceOf(KeyIntegrityException.class);
    assertThatThrownBy(
            () -> custody.open(version, new CustodyRecord(Arrays.copyOf(edited, 3), null)))
        .isInstanceOf(KeyIntegrityException.class);
  }

  @Test
  void openedKeys_workFromManyThreadsAtOnce() throws Exception {
    VersionBinding signing = binding("s", 1, Algorithm.ECDSA_P256_SHA256, false);
    VersionBinding sealing = binding("e", 1, Algorithm.AES_256_GCM, false);
    KeyOperations signer = custody.open(signing, custody.generate(signing));
    KeyOperations aead = custody.open(sealing, custody.generate(sealing));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        byte[] data = ("message " + i).getBytes(StandardCharsets.UTF_8);
        results.add(
            pool.submit(
                () ->
                    signer.verify(data, signer.sign(data), 0)
                        && Arrays.equals(
                            aead.decrypt(aead.encrypt(HEADER, data, CONTEXT), 5, CONTEXT), data)));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      mode = EnumSource.Mode.EXCLUDE,
      names = {
        "AES_256_GCM",
        "CHACHA20_POLY1305",
        "AES_256_GCM_SIV",
        "RSA_OAEP_SHA256",
        "ML_KEM_768_X25519",
        "ML_KEM_1024",
        "SLH_DSA_SHA2_128S" // as SLH_DSA_SHAKE_128F, which is fast; four signatures take seconds
      })
  void signWithAPrefix_signsThePrefixFollowedByTheData(Algorithm algorithm) {
    skipUnless(supports(algorithm));
    VersionBinding version = binding("k", 1, algorithm, false);
    KeyOperations ops = custody.open(version, custody.generate(version));
    byte[] joined = new byte[HEADER.length + DATA.length];
    System.arraycopy(HEADER, 0, joined, 0, HEADER.length);
    System.arraycopy(DATA, 0, joined, HEADER.length, DATA.length);

    assertThat(ops.verify(joined, ops.sign(HEADER, DATA), 0)).isTrue();
    assertThat(ops.verify(HEADER, DATA, ops.sign(joined), 0)).isTrue();
    assertThat(ops.verify(HEADER, DATA, ops.sign(DATA), 0)).isFalse();
    assertThat(ops.verify(DATA, ops.sign(HEADER, DATA), 0)).isFalse();
  }

  /** Every signature algorithm but SLH_DSA_SHA2_128S (as SLH_DSA_SHAKE_128F; it takes seconds). */
  static Stream<Algorithm> signatureAlgorithms() {
    return Arrays.stream(Algorithm.values())
        .filter(a -> a.kind() == Algorithm.Kind.SIGNATURE && a != Algorithm.SLH_DSA_SHA2_128S);
  }

  @ParameterizedTest
  @MethodSource("signatureAlgorithms")
  void aStreamSigner_fedInParts_signsThePartsJoined(Algorithm algorithm) throws Exception {
    skipUnless(supports(algorithm));
    VersionBinding version = binding("k", 1, algorithm, false);
    KeyOperations ops = custody.open(version, custody.generate(version));
    byte[] joined = new byte[HEADER.length + DATA.length];
    System.arraycopy(HEADER, 0, joined, 0, HEADER.length);
    System.arraycopy(DATA, 0, joined, HEADER.length, DATA.length);

    KeyOperations.StreamSigner stream = ops.newStreamSigner();
    stream.update(joined, 0, 3);
    stream.update(joined, 3, 0);
    stream.update(joined, 3, joined.length - 3);
    byte[] streamed = stream.sign();

    assertThat(ops.verify(joined, streamed, 0)).isTrue();
    assertThat(ops.verify(DATA, streamed, 0)).isFalse();
    String jdkName = JDK_SIGNATURES.get(algorithm);
    if (jdkName != null) {
      String keyAlgorithm =
          algorithm.isRsa() ? "RSA" : algorithm == Algorithm.ED25519 ? "Ed25519" : "EC";
      PublicKey publicKey =
          KeyFactory.getInstance(keyAlgorithm)
              .generatePublic(new X509EncodedKeySpec(ops.publicKey().getEncoded()));
      Signature jdk = Signature.getInstance(jdkName);
      jdk.initVerify(publicKey);
      jdk.update(joined);
      assertThat(jdk.verify(streamed)).as("the JDK's %s", jdkName).isTrue();
    }
    if (DETERMINISTIC.contains(algorithm)) {
      assertThat(streamed).isEqualTo(ops.sign(joined));
    }
    KeyOperations.StreamSigner other = ops.newStreamSigner(); // each signer is a fresh one
    other.update(DATA, 0, DATA.length);
    assertThat(ops.verify(DATA, other.sign(), 0)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"ECDSA_P256_SHA256", "ED25519", "RSA_PKCS1_SHA256", "HMAC_SHA256"})
  void verify_answersFalseForMalformedInput_neverThrows(Algorithm algorithm) {
    skipUnless(supports(algorithm));
    VersionBinding version = binding("k", 1, algorithm, false);
    KeyOperations ops = custody.open(version, custody.generate(version));
    byte[] good = ops.sign(DATA);
    for (byte[] bad : List.of(new byte[0], new byte[1], random(good.length), good)) {
      boolean truncated = bad == good;
      byte[] input = truncated ? Arrays.copyOf(good, good.length - 1) : bad;
      assertThat(ops.verify(DATA, input, 0)).isFalse();
    }
    assertThat(ops.verify(DATA, good, good.length)).isFalse(); // offset past the end
  }

  @Test
  void keysOpenedBeforeClose_keepWorking() {
    VersionBinding version = binding("k", 1, Algorithm.HMAC_SHA256, false);
    KeyCustody closing = open(masterKey);
    KeyOperations ops = closing.open(version, closing.generate(version));
    closing.close();
    assertThat(ops.verify(DATA, ops.sign(DATA), 0)).isTrue();
  }

  @Test
  void descriptionAndProvider_nameTheCustody() {
    assertThat(custody.description()).isNotBlank().isEqualTo(factory().description());
    assertThat(custody.provider(Algorithm.AES_256_GCM)).isNotBlank();
  }

  // ---------------------------------------------------------------- import, export, rewrap

  @Test
  void importedSecretKeys_computeWhatTheJdkComputesWithTheSameKey() throws Exception {
    skipUnless(supportsImport());
    byte[] hmacKey = random(32);
    VersionBinding mac = imported("mac", Algorithm.HMAC_SHA256, KeyMaterial.Form.SECRET);
    KeyOperations hmac = custody.open(mac, custody.importMaterial(mac, secret(hmacKey)));
    Mac jdk = Mac.getInstance("HmacSHA256");
    jdk.init(new SecretKeySpec(hmacKey, "HmacSHA256"));
    assertThat(hmac.sign(DATA)).isEqualTo(jdk.doFinal(DATA));

    byte[] aesKey = random(32);
    VersionBinding aes = imported("aes", Algorithm.AES_256_GCM, KeyMaterial.Form.SECRET);
    KeyOperations gcm = custody.open(aes, custody.importMaterial(aes, secret(aesKey)));
    byte[] envelope = gcm.encrypt(HEADER, DATA, CONTEXT);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(aesKey, "AES"),
        new GCMParameterSpec(128, envelope, HEADER.length, 12));
    cipher.updateAAD(CONTEXT);
    assertThat(cipher.doFinal(envelope, HEADER.length + 12, envelope.length - HEADER.length - 12))
        .isEqualTo(DATA);
  }

  @Test
  void anImportedPrivateKey_signsWhatTheJdkVerifiesWithItsPublicKey() throws Exception {
    skipUnless(supportsImport());
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    VersionBinding version =
        imported("ec", Algorithm.ECDSA_P256_SHA256, KeyMaterial.Form.PRIVATE_PKCS8);
    CustodyRecord record =
        custody.importMaterial(
            version, KeyMaterial.privateKeyPkcs8(pair.getPrivate().getEncoded()));
    assertThat(record.publicKey()).isEqualTo(pair.getPublic().getEncoded());
    byte[] signature = custody.open(version, record).sign(DATA);
    Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format");
    jdk.initVerify(pair.getPublic());
    jdk.update(DATA);
    assertThat(jdk.verify(signature)).isTrue();
  }

  @Test
  void materialThatDoesNotFitTheKey_isRefusedAtImport() throws Exception {
    skipUnless(supportsImport());
    VersionBinding aes = imported("aes", Algorithm.AES_256_GCM, KeyMaterial.Form.SECRET);
    assertThatThrownBy(() -> custody.importMaterial(aes, secret(random(16))))
        .isInstanceOf(InvalidKeyMaterialException.class);
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    byte[] p384 = generator.generateKeyPair().getPrivate().getEncoded();
    VersionBinding p256 =
        imported("ec", Algorithm.ECDSA_P256_SHA256, KeyMaterial.Form.PRIVATE_PKCS8);
    assertThatThrownBy(() -> custody.importMaterial(p256, KeyMaterial.privateKeyPkcs8(p384)))
        .isInstanceOf(InvalidKeyMaterialException.class);
    assertThatThrownBy(
            () -> custody.importMaterial(p256, KeyMaterial.privateKeyPkcs8(new byte[] {1, 2})))
        .isInstanceOf(InvalidKeyMaterialException.class);
  }

  @Test
  void exportedMaterial_importedElsewhere_isTheSameKey() {
    skipUnless(releasesMaterial() && supportsImport());
    VersionBinding version = binding("k", 1, Algorithm.ED25519, true);
    CustodyRecord record = custody.generate(version);
    byte[] material = custody.exportMaterial(version, record);
    KeyCustody elsewhere = open(random(32));
    VersionBinding copy =
        new VersionBinding(
            storeId,
            "copy",
            1,
            Algorithm.ED25519,
            0,
            version.operations(),
            true,
            true,
            KeyMaterial.Form.PRIVATE_PKCS8);
    KeyOperations copied =
        elsewhere.open(copy, elsewhere.importMaterial(copy, KeyMaterial.privateKeyPkcs8(material)));
    assertThat(copied.verify(DATA, custody.open(version, record).sign(DATA), 0)).isTrue();
  }

  @Test
  void aRecordRewrappedForANewMasterKey_opensThereAsTheSameKey() {
    VersionBinding version = binding("k", 1, Algorithm.ECDSA_P256_SHA256, false);
    CustodyRecord record = custody.generate(version);
    KeyCustody rotated = open(random(32));
    CustodyRecord rewrapped = rotated.rewrap(version, record, custody);
    KeyOperations before = custody.open(version, record);
    KeyOperations after = rotated.open(version, rewrapped);
    assertThat(after.verify(DATA, before.sign(DATA), 0)).isTrue();
    assertThat(rewrapped.publicKey()).isEqualTo(record.publicKey());
  }

  // ---------------------------------------------------------------- helpers

  /** Signs or encrypts, and checks the result with the same key. */
  private static void roundTrip(KeyOperations ops) throws GeneralSecurityException {
    switch (ops.algorithm().kind()) {
      case SIGNATURE:
      case MAC:
        byte[] signature = ops.sign(DATA);
        assertThat(ops.verify(DATA, signature, 0)).isTrue();
        byte[] other = "other data".getBytes(StandardCharsets.UTF_8);
        assertThat(ops.verify(other, signature, 0)).isFalse();
        break;
      default:
        byte[] envelope = ops.encrypt(HEADER, DATA, CONTEXT);
        assertThat(Arrays.copyOf(envelope, HEADER.length)).isEqualTo(HEADER);
        assertThat(ops.decrypt(envelope, HEADER.length, CONTEXT)).isEqualTo(DATA);
        byte[] tampered = envelope.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> ops.decrypt(tampered, HEADER.length, CONTEXT))
            .isInstanceOf(GeneralSecurityException.class);
    }
  }

  private VersionBinding binding(
      String name, int version, Algorithm algorithm, boolean extractable) {
    return new VersionBinding(
        storeId,
        name,
        version,
        algorithm,
        algorithm.isRsa() ? 2048 : 0,
        algorithm.kind().operations(),
        extractable,
        false,
        algorithm.isAsymmetric() ? KeyMaterial.Form.PRIVATE_PKCS8 : KeyMaterial.Form.SECRET);
  }

  private VersionBinding imported(String name, Algorithm algorithm, KeyMaterial.Form form) {
    Set<Operation> operations = EnumSet.copyOf(algorithm.kind().operations());
    return new VersionBinding(storeId, name, 1, algorithm, 0, operations, false, true, form);
  }

  private static KeyMaterial secret(byte[] key) {
    return KeyMaterial.secretKey(key);
  }

  private static byte[] random(int length) {
    byte[] bytes = new byte[length];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  private static void skipUnless(boolean condition) {
    org.junit.jupiter.api.Assumptions.assumeTrue(condition, "not offered by this custody");
  }

  /** A context as the engine gives one: keys derived from a master key, here by SHA-256. */
  private record TestContext(String storeId, byte[] masterKey, HsmConfig config)
      implements CustodyContext {
    @Override
    public byte[] deriveKey(String purpose) {
      try {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(masterKey);
        sha256.update(storeId.getBytes(StandardCharsets.UTF_8));
        return sha256.digest(purpose.getBytes(StandardCharsets.UTF_8));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
