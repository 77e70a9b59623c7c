package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AES-GCM and ChaCha20-Poly1305 draw a random 96-bit nonce per message, which bounds how many
 * messages one key may encrypt (NIST SP 800-38D: 2^32). Encryptions are counted per version, across
 * processes through the stored usage counters, and a version that has made 2^30 is rotated
 * automatically.
 */
class NonceLimitTest {
  private static final long LIMIT = 1L << 30;
  private static final byte[] DATA = "data".getBytes(UTF_8);
  private static final byte[] CONTEXT = new byte[0];

  @TempDir Path dir;

  @Test
  void encryptionsAreCountedPerVersion_andAVersionAtTheLimitIsRotated() throws Exception {
    try (HsmClient hsm = TestStores.open(dir, "store.db")) {
      KeyHandle aes = hsm.createKey("aes", KeySpec.aes256Gcm());
      KeyHandle chacha = hsm.createKey("chacha", KeySpec.chacha20Poly1305());
      byte[] old = aes.encrypt(DATA, CONTEXT);
      for (int i = 0; i < 4; i++) {
        aes.encrypt(DATA, CONTEXT);
      }
      aes.generateDataKey(CONTEXT);
      chacha.encrypt(DATA, CONTEXT);

      assertThat(hsm.auditLog().usage().get("aes")).containsEntry(Operation.ENCRYPT, 6L);
      assertThat(storedCount("aes", "ENCRYPT@v1")).isEqualTo(6);

      // Other processes made the rest: the stored count is what every client adds to.
      setStoredCount("aes", "ENCRYPT@v1", LIMIT - 1);
      assertThat(hsm.applyDueChanges()).as("one short of the limit").isZero();
      setStoredCount("chacha", "ENCRYPT@v1", LIMIT);
      aes.encrypt(DATA, CONTEXT); // the one that reaches it

      assertThat(hsm.applyDueChanges()).isEqualTo(2);

      assertThat(aes.info().primaryVersion()).isEqualTo(2);
      assertThat(chacha.info().primaryVersion()).isEqualTo(2);
      assertThat(aes.decrypt(old, CONTEXT)).isEqualTo(DATA);
      List<AuditEntry> entries = hsm.auditLog().entries(1, 100);
      assertThat(entries)
          .filteredOn(e -> e.action().equals("key.rotate"))
          .extracting(AuditEntry::keyName)
          .containsExactlyInAnyOrder("aes", "chacha");
      assertThat(entries)
          .filteredOn(e -> e.action().equals("key.rotate"))
          .allSatisfy(e -> assertThat(e.detail()).contains("encryptions with random nonces"));
      assertThat(hsm.applyDueChanges()).as("the new versions start from zero").isZero();
    }
  }

  @Test
  void deterministicAndPublicKeyEncryption_areNotBoundByTheNonceLimit() throws Exception {
    try (HsmClient hsm = TestStores.open(dir, "store.db")) {
      KeyHandle siv = hsm.createKey("siv", KeySpec.aes256GcmSiv());
      siv.encrypt(DATA, CONTEXT);
      hsm.auditLog().usage();
      assertThat(storedCount("siv", "ENCRYPT@v1")).isZero();
    }
  }

  private long storedCount(String key, String counter) throws Exception {
    try (Connection sqlite = StoreFiles.connect(dir.resolve("store.db"));
        PreparedStatement query =
            sqlite.prepareStatement(
                "SELECT count FROM key_usage WHERE key_name = ? AND operation = ?")) {
      query.setString(1, key);
      query.setString(2, counter);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? rows.getLong(1) : 0;
      }
    }
  }

  private void setStoredCount(String key, String counter, long count) {
    StoreFiles.update(
        dir.resolve("store.db"),
        "INSERT INTO key_usage (key_name, operation, count) VALUES (?, ?, ?)"
            + " ON CONFLICT (key_name, operation) DO UPDATE SET count = excluded.count",
        key,
        counter,
        count);
  }
}
