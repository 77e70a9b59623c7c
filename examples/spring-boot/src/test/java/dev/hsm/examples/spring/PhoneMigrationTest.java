package dev.hsm.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.annotation.EncryptedEntityField;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.sqlite.SQLiteDataSource;

/**
 * {@link PhoneMigration}, which docs/SPRING-BOOT.md shows, on a real SQLite table holding phone
 * numbers in the format written before row binding.
 */
class PhoneMigrationTest {
  @TempDir Path dir;

  @Test
  void oldPhoneNumbers_areBoundToTheirRows_once() {
    try (HsmClient hsm =
        HsmClient.open(HsmConfig.sqlite(dir.resolve("hsm.db")).passphrase("test passphrase"))) {
      KeyHandle pii = hsm.createKey("pii", KeySpec.aes256Gcm());
      JdbcTemplate jdbc = customers();
      insert(jdbc, "a", old(pii, "+1 555 0101"));
      insert(jdbc, "b", old(pii, "+1 555 0202"));

      assertThat(PhoneMigration.migrate(jdbc, pii)).isEqualTo(2);

      assertThat(phone(jdbc, pii, "a")).isEqualTo("+1 555 0101");
      assertThat(phone(jdbc, pii, "b")).isEqualTo("+1 555 0202");
      assertThat(PhoneMigration.migrate(jdbc, pii)).isZero();
    }
  }

  @Test
  void aValueCopiedFromAnotherRow_stopsIt_beforeThatRowIsWritten() {
    try (HsmClient hsm =
        HsmClient.open(HsmConfig.sqlite(dir.resolve("hsm.db")).passphrase("test passphrase"))) {
      KeyHandle pii = hsm.createKey("pii", KeySpec.aes256Gcm());
      JdbcTemplate jdbc = customers();
      insert(jdbc, "a", old(pii, "+1 555 0101"));
      PhoneMigration.migrate(jdbc, pii);
      String bound = jdbc.queryForObject("SELECT phone FROM customer WHERE id = 'a'", String.class);
      insert(jdbc, "b", bound);

      assertThatThrownBy(() -> PhoneMigration.migrate(jdbc, pii))
          .isInstanceOf(InvalidCiphertextException.class);
      assertThat(jdbc.queryForObject("SELECT phone FROM customer WHERE id = 'b'", String.class))
          .isEqualTo(bound);
    }
  }

  private JdbcTemplate customers() {
    SQLiteDataSource dataSource = new SQLiteDataSource();
    dataSource.setUrl("jdbc:sqlite:" + dir.resolve("customers.db"));
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    jdbc.execute(
        "CREATE TABLE customer (id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL,"
            + " phone TEXT)");
    return jdbc;
  }

  private static void insert(JdbcTemplate jdbc, String id, String phone) {
    jdbc.update(
        "INSERT INTO customer (id, name, email, phone) VALUES (?, ?, ?, ?)",
        id,
        "name " + id,
        "email " + id,
        phone);
  }

  /** A phone number as stored before row binding: bound to the annotation's context alone. */
  private static String old(KeyHandle pii, String phone) {
    byte[] envelope =
        pii.encrypt(
            phone.getBytes(StandardCharsets.UTF_8),
            "customer.phone".getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(envelope);
  }

  private static String phone(JdbcTemplate jdbc, KeyHandle pii, String id) {
    String stored =
        jdbc.queryForObject("SELECT phone FROM customer WHERE id = ?", String.class, id);
    byte[] plain =
        pii.decrypt(
            Base64.getUrlDecoder().decode(stored),
            EncryptedEntityField.rowContext("customer.phone", "customer", "phone", id));
    return new String(plain, StandardCharsets.UTF_8);
  }
}
