package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attack an outside review proved: putting back one key's rows from an older copy of the store
 * (a backup is enough) undid a rotation, a disable, a destruction or a raised minimum decryption
 * version, and new output was then made under the old state while {@code auditLog().verify()} still
 * passed. Deleting a key's rows went unnoticed too, and {@code ensureKey} made a new key under that
 * name. Each key's rows now name the audit entry of their last change, checked against the log: a
 * stale or missing row fails closed with {@link KeyIntegrityException}.
 */
class RollbackTest {
  private static final byte[] DATA = "pay 100 to bob".getBytes(UTF_8);
  private static final byte[] CONTEXT = "order 7".getBytes(UTF_8);

  @TempDir Path dir;
  private MutableClock clock;
  private HsmConfig config;
  private Path db;
  private Path backup;

  @BeforeEach
  void storeWithABackup() {
    clock = MutableClock.atFixedStart();
    config = TestStores.keyFileConfig(dir, "store.db").clock(clock);
    db = dir.resolve("store.db");
    backup = dir.resolve("backup.db");
    try (HsmClient hsm = HsmClient.open(config)) {
      hsm.createKey("k", KeySpec.aes256Gcm());
      hsm.key("k").rotate(); // versions 1 and 2
      hsm.createKey("other", KeySpec.hmacSha256());
      hsm.admin().backup(backup);
    }
  }

  static Stream<Arguments> laterChanges() {
    Consumer<HsmClient> rotate = hsm -> hsm.key("k").rotate();
    Consumer<HsmClient> disable = hsm -> hsm.key("k").disable();
    Consumer<HsmClient> disableVersion = hsm -> hsm.key("k").disableVersion(1);
    Consumer<HsmClient> raiseMinimum = hsm -> hsm.admin().setMinDecryptionVersion("k", 2);
    return Stream.of(
        Arguments.of("a rotation", rotate),
        Arguments.of("a disable", disable),
        Arguments.of("a disabled version", disableVersion),
        Arguments.of("a raised minimum decryption version", raiseMinimum));
  }

  @ParameterizedTest(name = "undoing {0}")
  @MethodSource("laterChanges")
  void keyRowsPutBackFromABackup_failClosed_whileOtherKeysWork(
      String change, Consumer<HsmClient> laterChange) throws Exception {
    try (HsmClient hsm = HsmClient.open(config)) {
      laterChange.accept(hsm);
    }

    putBackRowsOf("k");

    try (HsmClient hsm = HsmClient.open(config)) {
      Throwable used = catchThrowable(() -> hsm.key("k").encrypt(DATA, CONTEXT));
      assertThat(used)
          .isInstanceOf(KeyIntegrityException.class)
          .hasMessageContaining("'k'")
          .hasMessageContaining("older copy of the store");
      assertThat(catchThrowable(() -> hsm.key("k").info()))
          .isInstanceOf(KeyIntegrityException.class);
      assertThat(catchThrowable(hsm::listKeys)).isInstanceOf(KeyIntegrityException.class);
      hsm.key("other").verifyMac(DATA, hsm.key("other").mac(DATA));
      assertThat(hsm.auditLog().verify()).as("the log itself is intact").isPositive();
    }
  }

  @Test
  void aDestroyedVersionPutBack_staysDestroyed_andTheKeyFailsClosed() throws Exception {
    byte[] byVersion1;
    try (HsmClient hsm = HsmClient.open(config)) {
      byVersion1 = hsm.key("k").encrypt(DATA, CONTEXT); // version 2 is primary: use it below
      hsm.key("k").rotate();
      hsm.admin().scheduleDestruction("k", 2, Duration.ofDays(1));
      clock.advance(Duration.ofDays(2));
      assertThat(hsm.applyDueChanges()).isEqualTo(1);
      assertThat(catchThrowable(() -> hsm.key("k").decrypt(byVersion1, CONTEXT)))
          .isInstanceOf(KeyVersionDestroyedException.class);
    }

    putBackRowsOf("k");

    try (HsmClient hsm = HsmClient.open(config)) {
      assertThat(catchThrowable(() -> hsm.key("k").decrypt(byVersion1, CONTEXT)))
          .isInstanceOf(KeyIntegrityException.class);
    }
  }

  @Test
  void deletedKeyRows_failClosed_andEnsureKeyMakesNoNewKeyUnderTheName() {
    StoreFiles.update(db, "DELETE FROM key_version WHERE key_name = 'k'");
    StoreFiles.update(db, "DELETE FROM hsm_key WHERE name = 'k'");

    try (HsmClient hsm = HsmClient.open(config)) {
      // As for a key with tampered rows: the handle exists, every use of it fails.
      assertThat(catchThrowable(() -> hsm.key("k").encrypt(DATA, CONTEXT)))
          .isInstanceOf(KeyIntegrityException.class)
          .hasMessageContaining("'k' was created")
          .hasMessageContaining("no rows for it");
      assertThat(catchThrowable(() -> hsm.ensureKey("k", KeySpec.aes256Gcm())))
          .isInstanceOf(KeyIntegrityException.class);
      assertThat(catchThrowable(() -> hsm.createKey("k", KeySpec.aes256Gcm())))
          .as("the log knows the name, so no new key is stored under it")
          .isInstanceOf(KeyIntegrityException.class);
      hsm.key("other").verifyMac(DATA, hsm.key("other").mac(DATA));
    }
  }

  @Test
  void aRowNamingAnEntryTheLogDoesNotHave_failsClosed() {
    try (HsmClient hsm = HsmClient.open(config)) {
      hsm.key("k").rotate();
    }
    // The log's tail is cut back to before that rotation: the row names an entry that is gone.
    StoreFiles.update(db, "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)");

    try (HsmClient hsm = HsmClient.open(config)) {
      assertThat(catchThrowable(() -> hsm.key("k").encrypt(DATA, CONTEXT)))
          .isInstanceOf(KeyIntegrityException.class);
    }
  }

  /** Replaces key {@code name}'s rows in the store with the ones in the backup. */
  private void putBackRowsOf(String name) throws Exception {
    assertThat(Files.exists(backup)).isTrue();
    try (Connection sqlite = StoreFiles.connect(db);
        Statement sql = sqlite.createStatement()) {
      sql.execute("ATTACH DATABASE '" + backup.toAbsolutePath() + "' AS old");
      sql.execute("DELETE FROM key_version WHERE key_name = '" + name + "'");
      sql.execute("DELETE FROM hsm_key WHERE name = '" + name + "'");
      sql.execute("INSERT INTO hsm_key SELECT * FROM old.hsm_key WHERE name = '" + name + "'");
      sql.execute(
          "INSERT INTO key_version SELECT * FROM old.key_version WHERE key_name = '" + name + "'");
    }
  }
}
