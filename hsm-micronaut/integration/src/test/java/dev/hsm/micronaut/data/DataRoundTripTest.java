package dev.hsm.micronaut.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.annotation.EncryptedEntityField;
import dev.hsm.micronaut.TestHsm;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code @Encrypted} entity fields through Micronaut Data JDBC on a real SQLite file: the column
 * holds ciphertext, the object plaintext, and the deterministic field stays searchable.
 */
// Each test runs in a transaction (rolled back after it). Without one, Micronaut Data would open a
// read-only transaction per finder, and sqlite-jdbc refuses Connection.setReadOnly on an open
// connection; applications wrap repository calls in @Transactional services (see the example).
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataRoundTripTest implements TestPropertyProvider {
  private Path dir;

  @Inject CustomerRepository customers;
  @Inject HsmClient hsm;
  @Inject DataSource dataSource;
  @Inject BadgeRepository badges;

  @Override
  public Map<String, String> getProperties() {
    if (dir != null) {
      throw new IllegalStateException("getProperties() called twice");
    }
    dir = TestHsm.newDirectory();
    String url = "jdbc:sqlite:" + dir.resolve("app.db") + "?journal_mode=WAL&busy_timeout=5000";
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE customer (id TEXT PRIMARY KEY, name TEXT,"
              + " login TEXT, note TEXT, document TEXT)");
      statement.execute("CREATE TABLE badge (id TEXT PRIMARY KEY, holder TEXT)");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    Map<String, String> properties = new HashMap<>();
    TestHsm.properties(dir).forEach((k, v) -> properties.put(k, v.toString()));
    properties.put("datasources.default.url", url);
    properties.put("datasources.default.driver-class-name", "org.sqlite.JDBC");
    properties.put("datasources.default.dialect", "ANSI");
    properties.put("datasources.default.schema-generate", "NONE");
    return properties;
  }

  private static Customer customer(String name, String login, String note, byte[] document) {
    Customer customer = new Customer();
    customer.setId(java.util.UUID.randomUUID().toString());
    customer.setName(name);
    customer.setLogin(login);
    customer.setNote(note);
    customer.setDocument(document);
    return customer;
  }

  /** The column as stored, read with plain JDBC on the test transaction's connection. */
  private byte[] rawColumn(String id, String column) throws SQLException {
    Connection connection = dataSource.getConnection(); // the transaction's; it closes it
    try (PreparedStatement query =
        connection.prepareStatement("SELECT " + column + " FROM customer WHERE id = ?")) {
      query.setString(1, id);
      try (ResultSet row = query.executeQuery()) {
        assertThat(row.next()).isTrue();
        return row.getBytes(1);
      }
    }
  }

  private static byte[] fromText(byte[] column) {
    return java.util.Base64.getUrlDecoder().decode(new String(column, StandardCharsets.US_ASCII));
  }

  private String rawType(String id, String column) throws SQLException {
    Connection connection = dataSource.getConnection(); // the transaction's; it closes it
    try (PreparedStatement query =
        connection.prepareStatement("SELECT typeof(" + column + ") FROM customer WHERE id = ?")) {
      query.setString(1, id);
      try (ResultSet row = query.executeQuery()) {
        assertThat(row.next()).isTrue();
        return row.getString(1);
      }
    }
  }

  @Test
  void savedEntity_readsBackAsPlaintext() {
    Customer saved =
        customers.save(customer("Ada", "ada@example.com", "VIP since 2019", new byte[] {1, 2, 3}));

    Customer read = customers.findById(saved.getId()).orElseThrow();

    assertThat(read.getLogin()).isEqualTo("ada@example.com");
    assertThat(read.getNote()).isEqualTo("VIP since 2019");
    assertThat(read.getDocument()).containsExactly(1, 2, 3);
    assertThat(read.getName()).isEqualTo("Ada");
  }

  @Test
  void rawColumns_holdCiphertextThatDecryptsWithTheFieldsKeyAndContext_andRowForRandomizedOnes()
      throws SQLException {
    Customer saved =
        customers.save(customer("Bob", "bob@example.com", "likes jazz", "passport".getBytes()));

    byte[] login = rawColumn(saved.getId(), "login");
    byte[] note = rawColumn(saved.getId(), "note");
    byte[] document = rawColumn(saved.getId(), "document");

    for (byte[] column : new byte[][] {login, note, document}) {
      String asText = new String(column, StandardCharsets.ISO_8859_1);
      // Whole values: the Base64url text of a ciphertext holds a short word like "bob" by chance
      // about once in a thousand runs (three letters from 64, at some fifty places).
      assertThat(asText)
          .doesNotContain("bob@example")
          .doesNotContain("likes jazz")
          .doesNotContain("passport");
    }
    assertThat(new String(rawColumn(saved.getId(), "name"), StandardCharsets.UTF_8))
        .isEqualTo("Bob"); // the unannotated column is plain: the check above can see plaintext
    // the column holds the envelope as Base64url text (for String fields as in Spring)
    assertThat(rawType(saved.getId(), "login")).isEqualTo("text");
    assertThat(rawType(saved.getId(), "document")).isEqualTo("text");
    assertThat(hsm.key("pii-search").decrypt(fromText(login), "customer.login".getBytes()))
        .isEqualTo("bob@example.com".getBytes(StandardCharsets.UTF_8));
    // the randomized fields are bound to their row
    assertThat(
            hsm.key("pii")
                .decrypt(
                    fromText(note),
                    EncryptedEntityField.rowContext(
                        "customer.note", "customer", "note", saved.getId())))
        .isEqualTo("likes jazz".getBytes(StandardCharsets.UTF_8));
    assertThat(
            hsm.key("pii")
                .decrypt(
                    fromText(document),
                    EncryptedEntityField.rowContext(
                        "customer.document", "customer", "document", saved.getId())))
        .isEqualTo("passport".getBytes());
  }

  @Test
  void deterministicField_isFoundByEquality_andEqualValuesShareACiphertext() throws SQLException {
    Customer first = customers.save(customer("Cy", "cy@example.com", "same note", null));
    Customer second = customers.save(customer("Cy", "cy@example.com", "same note", null));

    assertThat(customers.countByLogin("cy@example.com")).isEqualTo(2);
    assertThat(rawColumn(first.getId(), "login")).isEqualTo(rawColumn(second.getId(), "login"));
    assertThat(rawColumn(first.getId(), "note")).isNotEqualTo(rawColumn(second.getId(), "note"));
  }

  @Test
  void findByDeterministicField_returnsTheDecryptedEntity() {
    customers.save(customer("Dee", "dee@example.com", "n", null));

    Customer found = customers.findByLogin("dee@example.com").orElseThrow();

    assertThat(found.getName()).isEqualTo("Dee");
    assertThat(found.getLogin()).isEqualTo("dee@example.com");
    assertThat(customers.findByLogin("nobody@example.com")).isEmpty();
  }

  @Test
  void nullEncryptedField_staysNull() throws SQLException {
    Customer saved = customers.save(customer("Eve", "eve@example.com", null, null));

    assertThat(rawColumn(saved.getId(), "note")).isNull();
    assertThat(customers.findById(saved.getId()).orElseThrow().getNote()).isNull();
  }

  @Test
  void autoPopulatedUuidId_isSetBeforeTheFieldIsBoundToItsRow() throws SQLException {
    Badge badge = new Badge();
    badge.setHolder("Hal");

    Badge saved = badges.save(badge);

    assertThat(saved.getId()).isNotNull();
    assertThat(badges.findById(saved.getId()).orElseThrow().getHolder()).isEqualTo("Hal");
    Connection connection = dataSource.getConnection(); // the transaction's; it closes it
    try (PreparedStatement query =
        connection.prepareStatement("SELECT holder FROM badge WHERE id = ?")) {
      query.setString(1, saved.getId().toString());
      try (ResultSet row = query.executeQuery()) {
        assertThat(row.next()).isTrue();
        assertThat(
                hsm.key("pii")
                    .decrypt(
                        fromText(row.getBytes(1)),
                        EncryptedEntityField.rowContext(
                            "badge.holder", "badge", "holder", saved.getId())))
            .isEqualTo("Hal".getBytes(StandardCharsets.UTF_8));
      }
    }
  }
}
