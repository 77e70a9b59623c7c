package dev.hsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.AuditEntry;
import dev.hsm.HsmConfig;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.KeyDisabledException;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.TestStores;
import dev.hsm.VerificationFailedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input whose header names a version is unauthenticated until it verifies: anyone can forge it.
 * Forged headers must cost neither a synced audit write per call nor a reload of the key.
 */
class ForgedInputTest {
  private static final byte[] DATA = "data".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private Engine hsm;
  private KeyHandle signing;

  @BeforeEach
  void open() {
    HsmConfig config =
        TestStores.keyFileConfig(dir, "store.db").refreshInterval(Duration.ofHours(1));
    hsm = StoreOpening.open(config);
    signing = hsm.createKey("signing", KeySpec.ecdsaP256());
    signing.rotate();
    signing.disableVersion(1);
  }

  @AfterEach
  void close() {
    hsm.close();
  }

  /** A signature envelope claiming {@code version}, with a made-up signature. */
  private static byte[] forged(int version) {
    return ByteBuffer.allocate(5 + 64).put((byte) 0x04).putInt(version).array();
  }

  @Test
  void headersNamingADisabledVersion_areRefused_andCountedInOneAuditEntry_notOneWriteEach()
      throws Exception {
    long rowsBefore = auditRowsInTheFile();
    for (int i = 0; i < 100; i++) {
      assertThatThrownBy(() -> signing.verify(DATA, forged(1)))
          .isInstanceOf(KeyDisabledException.class);
    }
    assertThat(auditRowsInTheFile()).as("no write per refusal").isEqualTo(rowsBefore);

    List<AuditEntry> entries = hsm.auditLog().entries(rowsBefore + 1, 10);

    assertThat(entries).hasSize(1);
    AuditEntry entry = entries.get(0);
    assertThat(entry.action()).isEqualTo("key.verify");
    assertThat(entry.outcome()).isEqualTo("refused");
    assertThat(entry.keyName()).isEqualTo("signing");
    assertThat(entry.version()).isEqualTo(1);
    assertThat(entry.detail()).startsWith("100 times: ").contains("version 1 is disabled");
    assertThat(hsm.auditLog().verify()).isEqualTo(rowsBefore + 1);
  }

  @Test
  void refusalsCounted_reachTheLogWhenTheClientCloses() throws Exception {
    long rowsBefore = auditRowsInTheFile();
    assertThatThrownBy(() -> signing.verify(DATA, forged(1)))
        .isInstanceOf(KeyDisabledException.class);

    hsm.close();

    assertThat(auditRowsInTheFile()).isEqualTo(rowsBefore + 1);
  }

  @Test
  void headersNamingVersionsTheKeyDoesNotHave_neverReloadTheKey() {
    LoadedKey cached = hsm.keys().loaded("signing");
    for (int version : new int[] {3, 999, Integer.MAX_VALUE, 3, 4}) {
      assertThatThrownBy(() -> signing.verify(DATA, forged(version)))
          .isInstanceOf(VerificationFailedException.class)
          .hasMessageContaining("which it does not have");
    }
    KeyHandle aead = hsm.createKey("aead", KeySpec.aes256Gcm());
    byte[] ciphertext = aead.encrypt(DATA, new byte[0]);
    ciphertext[4] = 9;
    assertThatThrownBy(() -> aead.decrypt(ciphertext, new byte[0]))
        .isInstanceOf(InvalidCiphertextException.class);

    assertThat(hsm.keys().loaded("signing")).as("the same cached copy").isSameAs(cached);
  }

  @Test
  void aVersionAnotherClientJustAdded_isStillFoundAtOnce() {
    LoadedKey cached = hsm.keys().loaded("signing");
    try (Engine other = StoreOpening.open(hsm.config())) {
      byte[] signature = other.key("signing").sign(DATA); // made with version 2
      other.key("signing").rotate();
      byte[] byVersion3 = other.key("signing").sign(DATA);

      signing.verify(DATA, signature);
      signing.verify(DATA, byVersion3); // version 3: unknown here, the store says it changed

      assertThat(hsm.keys().loaded("signing")).isNotSameAs(cached);
    }
  }

  private long auditRowsInTheFile() throws Exception {
    try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store.db"));
        Statement statement = sqlite.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM audit_log")) {
      return rows.getLong(1);
    }
  }
}
