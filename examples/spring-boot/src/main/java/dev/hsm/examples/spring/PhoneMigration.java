package dev.hsm.examples.spring;

import dev.hsm.InvalidCiphertextException;
import dev.hsm.KeyHandle;
import dev.hsm.annotation.EncryptedEntityField;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Re-encrypts phone numbers written before row binding, when a randomized field's context was the
 * annotation's {@code context} alone, for their rows. Run it once, with the application stopped.
 * Rows already bound are left as they are, so running it again changes nothing; a value that
 * decrypts neither way (altered, or copied from another row) stops it with {@code
 * InvalidCiphertextException} before that row is written.
 */
public final class PhoneMigration {
  private static final String CONTEXT = "customer.phone";

  private PhoneMigration() {}

  /** Migrates every customer's phone number; returns how many rows it rewrote. */
  public static int migrate(JdbcTemplate jdbc, KeyHandle pii) {
    int migrated = 0;
    for (Map<String, Object> row :
        jdbc.queryForList("SELECT id, phone FROM customer WHERE phone IS NOT NULL")) {
      String id = (String) row.get("id");
      byte[] stored = Base64.getUrlDecoder().decode((String) row.get("phone"));
      byte[] rowContext = EncryptedEntityField.rowContext(CONTEXT, "customer", "phone", id);
      if (isBoundToItsRow(pii, stored, rowContext)) {
        continue;
      }
      byte[] plain = pii.decrypt(stored, CONTEXT.getBytes(StandardCharsets.UTF_8));
      byte[] bound = pii.encrypt(plain, rowContext);
      jdbc.update(
          "UPDATE customer SET phone = ? WHERE id = ?",
          Base64.getUrlEncoder().withoutPadding().encodeToString(bound),
          id);
      migrated++;
    }
    return migrated;
  }

  private static boolean isBoundToItsRow(KeyHandle pii, byte[] stored, byte[] rowContext) {
    try {
      pii.decrypt(stored, rowContext);
      return true;
    } catch (InvalidCiphertextException notYet) {
      return false;
    }
  }
}
