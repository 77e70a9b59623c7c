package dev.hsm.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.Algorithm;
import dev.hsm.HsmConfig;
import dev.hsm.KeyIntegrityException;
import dev.hsm.KeyMaterial;
import dev.hsm.KeyNotExtractableException;
import dev.hsm.PinSource;
import dev.hsm.UnlockFailedException;
import dev.hsm.spi.CustodyContext;
import dev.hsm.spi.CustodyRecord;
import dev.hsm.spi.KeyCustody;
import dev.hsm.spi.KeyOperations;
import dev.hsm.spi.VersionBinding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What is particular to the PKCS#11 custody, below the engine: algorithms it cannot hold fail
 * before anything is made, outputs are standard (checked with the JDK's own providers), records are
 * bound to their version and object, and the PIN is checked.
 */
class Pkcs11CustodyTest {
  private static final byte[] DATA = "the token custody".getBytes(StandardCharsets.UTF_8);
  private static final byte[] HEADER = {1, 0, 0, 0, 1};

  @TempDir Path dir;

  private final String storeId = HexFormat.of().formatHex(random(16));
  private KeyCustody custody;

  @BeforeAll
  static void token() {
    SoftHsm.assumeAvailable();
  }

  @BeforeEach
  void open() {
    custody = SoftHsm.custody().open(context());
  }

  @AfterEach
  void close() {
    custody.close();
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {
        "ED25519",
        "CHACHA20_POLY1305",
        "AES_256_GCM_SIV",
        "ML_DSA_65",
        "SLH_DSA_SHAKE_128F",
        "ML_KEM_768_X25519",
        "ML_KEM_1024"
      })
  void anAlgorithmOutsideTheToken_failsAtGeneration_namingIt(Algorithm algorithm) {
    assertThatThrownBy(() -> custody.generate(binding("k", 1, algorithm)))
        .isInstanceOf(UnsupportedByTokenException.class)
        .hasMessageContaining(algorithm.name())
        .hasMessageContaining("need");
  }

  @Test
  void importIsRefused_andExportToo() {
    VersionBinding version =
        new VersionBinding(
            storeId,
            "k",
            1,
            Algorithm.AES_256_GCM,
            0,
            Algorithm.Kind.AEAD.operations(),
            false,
            true,
            KeyMaterial.Form.SECRET);
    assertThatThrownBy(() -> custody.importMaterial(version, KeyMaterial.secretKey(random(32))))
        .isInstanceOf(UnsupportedByTokenException.class)
        .hasMessageContaining("key 'k' version 1");
    VersionBinding made = binding("made", 1, Algorithm.AES_256_GCM);
    CustodyRecord record = custody.generate(made);
    assertThatThrownBy(() -> custody.exportMaterial(made, record))
        .isInstanceOf(KeyNotExtractableException.class);
  }

  @Test
  void ecdsaAndPss_signWhatTheJdkVerifies() throws Exception {
    VersionBinding ec = binding("ec", 1, Algorithm.ECDSA_P521_SHA512);
    CustodyRecord ecRecord = custody.generate(ec);
    byte[] signature = custody.open(ec, ecRecord).sign(HEADER, DATA);
    assertThat(signature).hasSize(132); // r||s, 66 bytes each
    Signature jdk = Signature.getInstance("SHA512withECDSAinP1363Format", "SunEC");
    jdk.initVerify(publicKey("EC", ecRecord));
    jdk.update(HEADER);
    jdk.update(DATA);
    assertThat(jdk.verify(signature)).isTrue();

    VersionBinding pss = binding("pss", 1, Algorithm.RSA_PSS_SHA384);
    CustodyRecord pssRecord = custody.generate(pss);
    byte[] pssSignature = custody.open(pss, pssRecord).sign(DATA);
    Signature jdkPss = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
    jdkPss.setParameter(new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA384, 48, 1));
    jdkPss.initVerify(publicKey("RSA", pssRecord));
    jdkPss.update(DATA);
    assertThat(jdkPss.verify(pssSignature)).isTrue();
  }

  @Test
  void rsaOaep_decryptsWhatTheJdkEncrypts_andRefusesTampering() throws Exception {
    VersionBinding version = binding("oaep", 1, Algorithm.RSA_OAEP_SHA256);
    CustodyRecord record = custody.generate(version);
    KeyOperations ops = custody.open(version, record);
    byte[] label = "a label".getBytes(StandardCharsets.UTF_8);
    Cipher jdk = Cipher.getInstance("RSA/ECB/OAEPPadding", "SunJCE");
    jdk.init(
        Cipher.ENCRYPT_MODE,
        publicKey("RSA", record),
        new OAEPParameterSpec(
            "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(label)));
    byte[] ciphertext = jdk.doFinal(DATA);
    assertThat(ops.decrypt(ciphertext, 0, label)).isEqualTo(DATA);
    assertThatThrownBy(() -> ops.decrypt(ciphertext, 0, "other".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(java.security.GeneralSecurityException.class);
    byte[] tampered = ciphertext.clone();
    tampered[10] ^= 1;
    assertThatThrownBy(() -> ops.decrypt(tampered, 0, label))
        .isInstanceOf(java.security.GeneralSecurityException.class);
    assertThatThrownBy(() -> ops.encrypt(HEADER, new byte[2048 / 8 - 65], label))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRecordOfAnotherVersion_orKey_doesNotOpen() {
    VersionBinding one = binding("k", 1, Algorithm.ECDSA_P256_SHA256);
    VersionBinding two = binding("k", 2, Algorithm.ECDSA_P256_SHA256);
    CustodyRecord first = custody.generate(one);
    CustodyRecord second = custody.generate(two);
    assertThatThrownBy(() -> custody.open(one, second))
        .isInstanceOf(KeyIntegrityException.class)
        .hasMessageContaining("another key, version or set of attributes");
    // The right alias with another version's public key: the object is not the one recorded.
    CustodyRecord mixed = new CustodyRecord(first.material(), second.publicKey());
    assertThatThrownBy(() -> custody.open(one, mixed))
        .isInstanceOf(KeyIntegrityException.class)
        .hasMessageContaining("is not the key recorded");
  }

  @Test
  void destroy_deletesTheObject_soTheRecordNoLongerOpens() {
    VersionBinding version = binding("k", 1, Algorithm.HMAC_SHA384);
    CustodyRecord record = custody.generate(version);
    custody.open(version, record);
    custody.destroy(version, record);
    assertThatThrownBy(() -> custody.open(version, record))
        .isInstanceOf(KeyIntegrityException.class)
        .hasMessageContaining("is not in the");
    custody.destroy(version, record); // again: nothing left to do, no error
  }

  @Test
  void aKeyCheckValueFromAnotherKey_isRefused() {
    VersionBinding version = binding("k", 1, Algorithm.AES_256_GCM);
    CustodyRecord record = custody.generate(version);
    byte[] edited = record.material().clone();
    edited[edited.length - 1] ^= 1; // the end of the check value
    assertThatThrownBy(() -> custody.open(version, new CustodyRecord(edited, null)))
        .isInstanceOf(KeyIntegrityException.class)
        .hasMessageContaining("is not the key recorded");
  }

  @Test
  void aWrongPin_failsToLogIn_andTheRightOneFromAFileWorks() throws Exception {
    KeyCustody.Factory wrong =
        Pkcs11.custody(SoftHsm.library(), SoftHsm.secondSlot(), PinSource.of("0000"));
    assertThatThrownBy(() -> wrong.open(context()))
        .isInstanceOf(UnlockFailedException.class)
        .hasMessageContaining("wrong PIN")
        .hasMessageNotContaining("0000");
    KeyCustody.Factory missing =
        Pkcs11.custody(
            SoftHsm.library(), SoftHsm.secondSlot(), PinSource.fromEnv("HSM_TEST_NO_SUCH_PIN"));
    assertThatThrownBy(() -> missing.open(context()))
        .isInstanceOf(UnlockFailedException.class)
        .hasMessageContaining("HSM_TEST_NO_SUCH_PIN");

    Path pinFile = dir.resolve("pin");
    Files.writeString(pinFile, SoftHsm.PIN + "\n");
    KeyCustody.Factory right =
        Pkcs11.custody(SoftHsm.library(), SoftHsm.secondSlot(), PinSource.fromFile(pinFile));
    assertThat(right.toString()).doesNotContain(SoftHsm.PIN);
    KeyCustody second = right.open(context());
    VersionBinding version = binding("k", 1, Algorithm.HMAC_SHA256);
    KeyOperations ops = second.open(version, second.generate(version));
    assertThat(ops.verify(DATA, ops.sign(DATA), 0)).isTrue();
  }

  @Test
  void aLibraryThatIsNotThere_failsWithAMessageNamingIt() {
    KeyCustody.Factory missing =
        Pkcs11.custody(dir.resolve("no-such-lib.so"), 0, PinSource.of(SoftHsm.PIN));
    assertThatThrownBy(() -> missing.open(context()))
        .isInstanceOf(dev.hsm.HsmException.class)
        .hasMessageContaining("no-such-lib.so");
  }

  @Test
  void aTokenLabel_findsItsSlot_andAnUnknownOneIsNamedWithThoseThereAre() {
    KeyCustody byLabel =
        Pkcs11.custody(SoftHsm.library(), SoftHsm.LABEL, PinSource.of(SoftHsm.PIN)).open(context());
    VersionBinding version = binding("by-label", 1, Algorithm.HMAC_SHA256);
    CustodyRecord record = byLabel.generate(version);
    assertThat(custody.open(version, record).sign(DATA))
        .as("the same token as by its slot id")
        .isEqualTo(byLabel.open(version, record).sign(DATA));

    KeyCustody.Factory unknown =
        Pkcs11.custody(SoftHsm.library(), "no-such-token", PinSource.of(SoftHsm.PIN));
    assertThatThrownBy(() -> unknown.open(context()))
        .isInstanceOf(dev.hsm.HsmException.class)
        .hasMessageContaining("no token labelled 'no-such-token'")
        .hasMessageContaining(SoftHsm.LABEL);
  }

  // ---------------------------------------------------------------- helpers

  private VersionBinding binding(String name, int version, Algorithm algorithm) {
    return new VersionBinding(
        storeId,
        name,
        version,
        algorithm,
        algorithm.isRsa() ? 2048 : 0,
        algorithm.kind().operations(),
        false,
        false,
        algorithm.isAsymmetric() ? KeyMaterial.Form.PRIVATE_PKCS8 : KeyMaterial.Form.SECRET);
  }

  private static PublicKey publicKey(String algorithm, CustodyRecord record) throws Exception {
    return KeyFactory.getInstance(algorithm)
        .generatePublic(new X509EncodedKeySpec(record.publicKey()));
  }

  private CustodyContext context() {
    HsmConfig config = HsmConfig.sqlite(dir.resolve("unused.db"));
    return new CustodyContext() {
      @Override
      public String storeId() {
        return storeId;
      }

      @Override
      public byte[] deriveKey(String purpose) {
        return Arrays.copyOf(purpose.getBytes(StandardCharsets.UTF_8), 32);
      }

      @Override
      public HsmConfig config() {
        return config;
      }
    };
  }

  private static byte[] random(int length) {
    byte[] bytes = new byte[length];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
