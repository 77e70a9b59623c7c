package dev.hsm.micronaut.unprocessed;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application whose {@code @Signed} bean and {@code @Encrypted} entity were compiled without
 * {@code hsm-micronaut-annotations} on the annotation-processor path (this module's build leaves it
 * out on purpose).
 */
class MissingAnnotationProcessorTest {
  @TempDir Path dir;

  private String url;
  private Map<String, Object> properties;

  @BeforeEach
  void configure() throws IOException, SQLException {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Files.write(dir.resolve("hsm.key"), key);
    url = "jdbc:sqlite:" + dir.resolve("app.db");
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE note (id TEXT PRIMARY KEY, body TEXT)");
    }
    properties = new HashMap<>();
    properties.put("hsm.store.path", dir.resolve("hsm.db").toString());
    properties.put("hsm.unlock.key-file", dir.resolve("hsm.key").toString());
    properties.put("hsm.keys.receipts.algorithm", "ECDSA_P256_SHA256");
    properties.put("hsm.keys.pii.algorithm", "AES_256_GCM");
    properties.put("datasources.default.url", url);
    properties.put("datasources.default.driver-class-name", "org.sqlite.JDBC");
    properties.put("datasources.default.dialect", "ANSI");
    properties.put("datasources.default.schema-generate", "NONE");
  }

  private String storedBody(String id) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        PreparedStatement query =
            connection.prepareStatement("SELECT body FROM note WHERE id = ?")) {
      query.setString(1, id);
      try (ResultSet row = query.executeQuery()) {
        assertThat(row.next()).isTrue();
        return row.getString(1);
      }
    }
  }

  @Test
  void signedMethods_doNothing_theResultIsUnsigned_andAnyStringIsAccepted() {
    try (ApplicationContext context = ApplicationContext.run(properties)) {
      Receipts receipts = context.getBean(Receipts.class);

      assertThat(receipts.issue("paid 42")).isEqualTo("paid 42");
      assertThat(receipts.accept("not a JWS at all")).isEqualTo("not a JWS at all");
    }
  }

  @Test
  void encryptedEntityField_isStoredInPlaintext() throws SQLException {
    String id = UUID.randomUUID().toString();
    try (ApplicationContext context = ApplicationContext.run(properties)) {
      context.getBean(NoteRepository.class).save(new Note(id, "the secret"));
    }

    assertThat(storedBody(id)).isEqualTo("the secret");
  }
}
