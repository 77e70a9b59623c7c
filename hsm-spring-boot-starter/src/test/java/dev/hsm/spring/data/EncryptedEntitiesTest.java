package dev.hsm.spring.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.HsmClient;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.annotation.EncryptedEntityField;
import dev.hsm.spring.TestStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.Advised;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code @Encrypted} fields with Spring Data JDBC over a real SQLite file: the raw columns (read
 * with plain JDBC) hold ciphertext only, the application sees plaintext, and derived queries on the
 * deterministic field take plaintext arguments.
 */
@SpringBootTest(classes = DataApplication.class)
class EncryptedEntitiesTest {
  private static final Path DIR = createDir();

  @Autowired CustomerRepository customers;
  @Autowired NoteRepository notes;
  @Autowired JdbcTemplate jdbc;
  @Autowired HsmClient hsm;
  @Autowired CustomerService service;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    for (String property : TestStores.storeIn(DIR)) {
      String[] nameValue = property.split("=", 2);
      registry.add(nameValue[0], () -> nameValue[1]);
    }
    registry.add("hsm.keys.pii.algorithm", () -> "AES_256_GCM");
    registry.add("hsm.keys.lookup.algorithm", () -> "AES_256_GCM_SIV");
    registry.add("hsm.keys.pii-search.algorithm", () -> "AES_256_GCM_SIV"); // the contract's
    registry.add(
        "spring.datasource.url",
        () -> "jdbc:sqlite:" + DIR.resolve("app.db") + "?journal_mode=WAL&busy_timeout=5000");
    registry.add("spring.sql.init.mode", () -> "always");
  }

  @BeforeEach
  void empty() {
    customers.deleteAll();
    notes.deleteAll();
  }

  @Test
  void save_thenFindById_givesBackThePlaintext() {
    Customer saved = customers.save(Customer.of("Alice", "alice@example.com", "prefers e-mail"));

    assertThat(saved.id()).as("assigned by the application's BeforeConvertCallback").isNotNull();
    assertThat(saved.email()).isEqualTo("alice@example.com");
    assertThat(saved.notes()).isEqualTo("prefers e-mail");
    assertThat(customers.findById(saved.id())).contains(saved);
    assertThat(customers.findAll()).containsExactly(saved);
  }

  @Test
  void rawColumns_holdCiphertextOnly_boundToTheirKeyContextAndForRandomizedFieldsTheirRow() {
    Customer saved = customers.save(Customer.of("Alice", "alice@example.com", "prefers e-mail"));

    Map<String, Object> row =
        jdbc.queryForMap("SELECT name, email, notes FROM customer WHERE id = ?", saved.id());
    String email = (String) row.get("email");
    String notesColumn = (String) row.get("notes");
    assertThat(row.get("name")).isEqualTo("Alice");
    assertThat(email).doesNotContain("alice").doesNotContain("example");
    assertThat(notesColumn).doesNotContain("prefers");
    assertThat(
            hsm.key("lookup")
                .decrypt(Base64.getUrlDecoder().decode(email), bytes("customer.email")))
        .isEqualTo(bytes("alice@example.com"));
    assertThat(
            hsm.key("pii")
                .decrypt(
                    Base64.getUrlDecoder().decode(notesColumn),
                    EncryptedEntityField.rowContext(
                        "customer.notes", "customer", "notes", saved.id())))
        .isEqualTo(bytes("prefers e-mail"));
  }

  @Test
  void deterministicField_givesEqualColumnsForEqualValues_randomizedFieldDoesNot() {
    customers.save(Customer.of("Alice", "same@example.com", "same note"));
    customers.save(Customer.of("Alicia", "same@example.com", "same note"));

    List<Map<String, Object>> rows = jdbc.queryForList("SELECT email, notes FROM customer");
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).get("email")).isEqualTo(rows.get(1).get("email"));
    assertThat(rows.get(0).get("notes")).isNotEqualTo(rows.get(1).get("notes"));
  }

  @Test
  void findByEmail_takesPlaintext_andMatchesTheEncryptedColumn() {
    Customer alice = customers.save(Customer.of("Alice", "alice@example.com", null));
    Customer bob = customers.save(Customer.of("Bob", "bob@example.com", null));

    assertThat(customers.findByEmail("alice@example.com")).contains(alice);
    assertThat(customers.findByEmail("carol@example.com")).isEmpty();
    assertThat(customers.findByEmailIn(List.of("bob@example.com", "alice@example.com")))
        .containsExactlyInAnyOrder(alice, bob);
    assertThat(customers.findByNameAndEmail("Bob", "bob@example.com")).containsExactly(bob);
    assertThat(customers.findByNameAndEmail("Alice", "bob@example.com")).isEmpty();
    assertThat(customers.countByEmail("bob@example.com")).isEqualTo(1);
  }

  @Test
  void nulls_areStoredAsNull_andFoundByIsNull() {
    Customer anonymous = customers.save(Customer.of("Anonymous", null, null));

    assertThat(
            jdbc.queryForObject(
                "SELECT email FROM customer WHERE id = ?", String.class, anonymous.id()))
        .isNull();
    assertThat(customers.findByEmailIsNull()).containsExactly(anonymous);
    assertThat(customers.findById(anonymous.id())).contains(anonymous);
  }

  @Test
  void update_reencryptsTheChangedField() {
    Customer saved = customers.save(Customer.of("Alice", "alice@example.com", "old"));
    Customer updated =
        customers.save(new Customer(saved.id(), "Alice", "alice@new.example", "new"));

    assertThat(customers.findById(saved.id())).contains(updated);
    assertThat(customers.findByEmail("alice@example.com")).isEmpty();
    assertThat(customers.findByEmail("alice@new.example")).contains(updated);
  }

  @Test
  void tamperedColumn_failsTheRead() {
    Customer saved = customers.save(Customer.of("Alice", "alice@example.com", "note"));
    byte[] notesColumn =
        Base64.getUrlDecoder()
            .decode(
                jdbc.queryForObject(
                    "SELECT notes FROM customer WHERE id = ?", String.class, saved.id()));
    notesColumn[notesColumn.length - 1] ^= 1;
    jdbc.update(
        "UPDATE customer SET notes = ? WHERE id = ?",
        Base64.getUrlEncoder().withoutPadding().encodeToString(notesColumn),
        saved.id());

    assertThatThrownBy(() -> customers.findById(saved.id()))
        .isInstanceOf(InvalidCiphertextException.class);
  }

  @Test
  void ciphertextMovedToAnotherFieldUnderTheSameKey_failsTheRead_becauseTheContextDiffers() {
    Customer alice = customers.save(Customer.of("Alice", "alice@example.com", "secret note"));
    Note note = notes.save(new Note("moved", bytes("body")));
    byte[] customerNotes =
        Base64.getUrlDecoder()
            .decode(
                jdbc.queryForObject(
                    "SELECT notes FROM customer WHERE id = ?", String.class, alice.id()));
    jdbc.update("UPDATE note SET body = ? WHERE id = ?", customerNotes, note.getId());

    assertThatThrownBy(() -> notes.findById(note.getId()))
        .isInstanceOf(InvalidCiphertextException.class);
  }

  @Test
  void mutableEntity_withBytes_storesABlobOfCiphertext_andLeavesTheCallersInstanceAlone() {
    byte[] body = bytes("meeting at noon");
    Note note = new Note("reminder", body);

    Note saved = notes.save(note);

    assertThat(note.getBody()).isEqualTo(bytes("meeting at noon"));
    assertThat(note.getId()).as("the instance passed in is not modified").isNull();
    assertThat(saved.getId()).isNotNull();
    assertThat(saved.getBody()).isEqualTo(bytes("meeting at noon"));
    byte[] blob =
        jdbc.queryForObject("SELECT body FROM note WHERE id = ?", byte[].class, saved.getId());
    assertThat(new String(blob, StandardCharsets.ISO_8859_1)).doesNotContain("meeting");
    assertThat(hsm.key("pii").decrypt(blob, bytes("note.body")))
        .isEqualTo(bytes("meeting at noon"));

    saved.setBody(bytes("moved to 2pm"));
    notes.save(saved);
    assertThat(notes.findById(saved.getId()).orElseThrow().getBody())
        .isEqualTo(bytes("moved to 2pm"));
  }

  @Test
  void saveAll_encryptsEachAggregate() {
    List<Customer> saved =
        customers.saveAll(
            List.of(
                Customer.of("Alice", "alice@example.com", "a"),
                Customer.of("Bob", "bob@example.com", "b")));

    assertThat(saved)
        .extracting(Customer::email)
        .containsExactly("alice@example.com", "bob@example.com");
    assertThat(jdbc.queryForList("SELECT email FROM customer", String.class))
        .hasSize(2)
        .noneSatisfy(email -> assertThat(email).contains("example.com"));
    assertThat(customers.findByEmail("bob@example.com")).contains(saved.get(1));
  }

  @Test
  void encryptedMethod_onATransactionalBean_runsInTheTransaction_andReturnsCiphertext() {
    Customer saved = customers.save(Customer.of("Alice", "alice@example.com", "exported note"));

    String exported = service.exportNotes(saved.id());

    assertThat(service.ranInTransaction()).isTrue();
    assertThat(exported).doesNotContain("exported");
    assertThat(
            hsm.key("pii")
                .decrypt(Base64.getUrlDecoder().decode(exported), bytes("customer.export")))
        .isEqualTo(bytes("exported note"));
    assertThat(((Advised) service).getAdvisors())
        .as("the starter's advice first (outermost), then the transaction's")
        .extracting(advisor -> advisor.getAdvice().getClass().getSimpleName())
        .containsExactly("HsmMethodInterceptor", "TransactionInterceptor");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static Path createDir() {
    try {
      return Files.createTempDirectory("hsm-spring-data");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
