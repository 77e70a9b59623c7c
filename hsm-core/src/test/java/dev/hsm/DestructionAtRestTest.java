package dev.hsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Destroying a version removes its material from the store's files, not only from its row: the
 * database pages are overwritten (SQLite's {@code secure_delete}) and the write-ahead log, which
 * still held the pages written when the version was made, is checkpointed and truncated.
 */
class DestructionAtRestTest {
  @TempDir Path dir;

  @Test
  void aDestroyedVersionsWrappedMaterial_isInNeitherTheDatabaseNorItsLog() throws Exception {
    MutableClock clock = MutableClock.atFixedStart();
    HsmConfig config = TestStores.keyFileConfig(dir, "store.db").clock(clock);
    try (HsmClient hsm = HsmClient.open(config)) {
      KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
      key.rotate();
      byte[] wrapped = wrappedMaterial(1);
      assertThat(occursInStoreFiles(wrapped)).as("found before destruction").isTrue();

      hsm.admin().scheduleDestruction("k", 1, Duration.ofDays(1));
      clock.advance(Duration.ofDays(2));
      assertThat(hsm.applyDueChanges()).isEqualTo(1);

      // Still open: the client has not closed (which would checkpoint anyway).
      assertThat(occursInStoreFiles(wrapped)).isFalse();
    }
  }

  private byte[] wrappedMaterial(int version) throws Exception {
    try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store.db"));
        PreparedStatement query =
            sqlite.prepareStatement(
                "SELECT wrapped_material FROM key_version WHERE key_name = 'k' AND version = ?")) {
      query.setInt(1, version);
      try (ResultSet rows = query.executeQuery()) {
        return rows.getBytes(1);
      }
    }
  }

  /** Whether any 24-byte run of {@code secret} appears in the database, its WAL or journal. */
  private boolean occursInStoreFiles(byte[] secret) throws Exception {
    for (String suffix : new String[] {"", "-wal", "-journal"}) {
      Path file = dir.resolve("store.db" + suffix);
      if (!Files.exists(file)) {
        continue;
      }
      byte[] content = Files.readAllBytes(file);
      for (int start = 0; start + 24 <= secret.length; start += 8) {
        byte[] run = Arrays.copyOfRange(secret, start, start + 24);
        for (int i = 0; i + run.length <= content.length; i++) {
          if (Arrays.equals(content, i, i + run.length, run, 0, run.length)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
