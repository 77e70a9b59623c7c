package dev.hsm.fuzz;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.AuditLogIntegrityException;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeyIntegrityException;
import dev.hsm.KeySpec;
import dev.hsm.StoreException;
import dev.hsm.TestStores;
import dev.hsm.UnlockFailedException;
import dev.hsm.UnlockSecret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Attacks {@link HsmClient#restoreBackup} with backup files near a genuine one (SQLite pages with
 * bits flipped, truncated, extended, spliced; random files). Each is refused with {@link
 * StoreException} or {@link UnlockFailedException} and leaves nothing behind (no store, no staging
 * file), or restores to a store that opens. In a restored store, a key whose rows were altered is
 * refused with {@link KeyIntegrityException}, unreadable pages with {@link StoreException}, and an
 * altered audit log with {@link AuditLogIntegrityException}, as for any edited store: every other
 * key works.
 */
class BackupFileFuzzTest {
  private static final byte[] DATA = "backed up".getBytes(UTF_8);

  private static Path dir;
  private static List<HsmConfig> configs;
  private static List<byte[]> backups;
  private static List<byte[]> ciphertexts;
  private static final AtomicInteger RUNS = new AtomicInteger();

  @BeforeContainer
  static void open() throws IOException {
    dir = Fuzz.tempDir("backup-fuzz");
    // One store unlocked by a key file, one by a passphrase (its slot's Argon2 parameters parsed).
    configs =
        List.of(
            TestStores.keyFileConfig(dir, "key-file.db"),
            TestStores.passphraseConfig(dir, "passphrase.db", "fuzz passphrase"));
    backups = new ArrayList<>();
    ciphertexts = new ArrayList<>();
    for (HsmConfig config : configs) {
      Path file = dir.resolve(config.sqliteFile().orElseThrow().getFileName() + ".bak");
      try (HsmClient hsm = HsmClient.open(config)) {
        ciphertexts.add(hsm.createKey("aes", KeySpec.aes256Gcm()).encrypt(DATA));
        hsm.createKey("ed", KeySpec.ed25519()).rotate();
        hsm.createKey("hmac", KeySpec.hmacSha256());
        hsm.admin().backup(file);
      }
      backups.add(Files.readAllBytes(file));
      Files.delete(file);
    }
  }

  @AfterContainer
  static void close() {
    Fuzz.deleteTree(dir);
  }

  /** A backup file for the store at {@code store} of the list, restored with its secret. */
  record Case(int store, byte[] input) {}

  @Provide
  Arbitrary<Case> backups() {
    return Arbitraries.integers()
        .between(0, backups.size() - 1)
        .flatMap(
            store -> Fuzz.near(backups.get(store), backups, 8192).map(b -> new Case(store, b)));
  }

  @Property
  void backupFile_eitherRestoresToAStoreThatOpens_orIsRefusedLeavingNothing(
      @ForAll("backups") Case c) {
    byte[] input = c.input();
    UnlockSecret secret = configs.get(c.store()).unlockSecret().orElseThrow();
    int run = RUNS.incrementAndGet();
    Path file = write(dir.resolve("in-" + run + ".bak"), input);
    Path restored = dir.resolve("restored-" + run + ".db");
    Set<String> before = Fuzz.fileNames(dir);
    Fuzz.Outcome<HsmClient> outcome =
        Fuzz.attempt(
            "backup file (restoreBackup)",
            () -> HsmClient.restoreBackup(file, HsmConfig.sqlite(restored).unlockWith(secret)),
            StoreException.class,
            UnlockFailedException.class);
    try {
      if (outcome.worked()) {
        try (HsmClient hsm = outcome.result()) {
          assertKeysWorkOrAreRefusedAsAltered(hsm, ciphertexts.get(c.store()));
          Fuzz.attempt(
              "restored backup (auditLog.verify)",
              () -> hsm.auditLog().verify(),
              AuditLogIntegrityException.class,
              StoreException.class);
        }
      } else {
        assertThat(Fuzz.fileNames(dir)).as("a refused restore leaves nothing").isEqualTo(before);
      }
    } finally {
      for (String suffix : List.of("", "-wal", "-shm")) {
        delete(dir.resolve(restored.getFileName() + suffix));
      }
      delete(file);
    }
  }

  private static void assertKeysWorkOrAreRefusedAsAltered(HsmClient hsm, byte[] ciphertext) {
    Fuzz.Outcome<List<KeyInfo>> keys =
        Fuzz.attempt(
            "restored backup (listKeys)",
            hsm::listKeys,
            KeyIntegrityException.class,
            StoreException.class);
    for (String name : List.of("aes", "ed", "hmac")) {
      Fuzz.attempt(
          "restored backup (use a key)",
          () -> {
            KeyHandle key = hsm.key(name);
            switch (name) {
              case "aes" -> assertThat(key.decrypt(ciphertext)).isEqualTo(DATA);
              case "ed" -> key.verify(DATA, key.sign(DATA));
              default -> key.verifyMac(DATA, key.mac(DATA));
            }
            return null;
          },
          KeyIntegrityException.class,
          StoreException.class);
    }
    if (keys.worked()) {
      assertThat(keys.result()).extracting(KeyInfo::name).containsExactly("aes", "ed", "hmac");
    }
  }

  private static Path write(Path file, byte[] bytes) {
    try {
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
