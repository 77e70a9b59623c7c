package dev.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.HsmClient;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.KeyHandle;
import dev.hsm.annotation.EncryptedEntityField;
import dev.hsm.annotation.InvalidAnnotationException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code @Encrypted} entity fields must do in both starters, through each framework's data
 * layer on a real SQLite database, including the attack row binding stops: a ciphertext copied with
 * plain SQL from one row into another row of the same column. A starter's test extends this class
 * and maps two entities onto these tables (the starter may add columns its framework needs):
 *
 * <pre>
 * CREATE TABLE contact (id TEXT PRIMARY KEY, name TEXT, email TEXT, address TEXT, phone TEXT)
 * CREATE TABLE memo (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT)
 * </pre>
 *
 * <ul>
 *   <li>{@code contact}: a {@code String id} the application assigns; {@code name}; {@code email}
 *       {@code @Encrypted(key = "pii-search", deterministic = true, context = "contact.email")};
 *       {@code address} {@code @Encrypted(key = "pii", context = "contact.address")}; {@code phone}
 *       {@code @Encrypted(key = "pii", context = "contact.phone")}.
 *   <li>{@code memo}: a {@code Long id} the database generates; {@code body} {@code @Encrypted(key
 *       = "pii", context = "memo.body", bindToRow = false)}.
 * </ul>
 *
 * The store declares {@code pii} (AES_256_GCM) and {@code pii-search} (AES_256_GCM_SIV). Exceptions
 * are asserted as the application receives them from the repository.
 */
public abstract class EncryptedEntityContract {

  /** A contact's values as the application holds them. */
  public record ContactData(String id, String name, String email, String address, String phone) {}

  /** The starter's {@code HsmClient} bean. */
  protected abstract HsmClient hsm();

  /** Inserts a new contact through the framework's data layer; returns it as saved. */
  protected abstract ContactData insert(ContactData contact);

  /** Inserts several new contacts in one call (the framework may batch them); returns them. */
  protected abstract List<ContactData> insertAll(List<ContactData> contacts);

  /** Saves changes to an existing contact through the framework's repository. */
  protected abstract void update(ContactData contact);

  /** The repository's {@code findById}. */
  protected abstract Optional<ContactData> findById(String id);

  /** The repository's derived finder on the deterministic field, {@code findByEmail}. */
  protected abstract Optional<ContactData> findByEmail(String email);

  /** Saves a new memo through the framework's repository; returns the id the database gave it. */
  protected abstract long insertMemo(String body);

  /** The memo's body as the repository's {@code findById} returns it. */
  protected abstract Optional<String> findMemoBody(long id);

  /** Runs a statement with plain JDBC on the application's database (in the test's transaction). */
  protected abstract void execute(String sql, Object... arguments);

  /** The single value a query returns, with plain JDBC (in the test's transaction). */
  protected abstract Object queryValue(String sql, Object... arguments);

  @BeforeEach
  void emptyTables() {
    execute("DELETE FROM contact");
    execute("DELETE FROM memo");
  }

  private ContactData newContact(String name, String email, String address) {
    return insert(
        new ContactData(UUID.randomUUID().toString(), name, email, address, "+1 555 0100"));
  }

  private String column(String column, String id) {
    return (String) queryValue("SELECT " + column + " FROM contact WHERE id = ?", id);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] envelope(String column) {
    return Base64.getUrlDecoder().decode(column);
  }

  private static String text(byte[] envelope) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(envelope);
  }

  @Test
  void savedContact_readsBackAsPlaintext_whileItsColumnsHoldCiphertextOnly() {
    ContactData alice = newContact("Alice", "alice@example.com", "1 Alice Road");

    assertThat(findById(alice.id())).contains(alice);
    assertThat(findByEmail("alice@example.com")).contains(alice);
    assertThat(column("name", alice.id())).isEqualTo("Alice");
    assertThat(column("email", alice.id())).doesNotContain("alice");
    assertThat(column("address", alice.id())).doesNotContain("Alice").doesNotContain("Road");
    assertThat(column("phone", alice.id())).doesNotContain("555");
  }

  @Test
  void randomizedColumn_holdsTheDocumentedRowBoundEnvelope_soBothStartersShareAFormat() {
    ContactData alice = newContact("Alice", "alice@example.com", "1 Alice Road");

    byte[] rowContext =
        EncryptedEntityField.rowContext("contact.address", "contact", "address", alice.id());
    assertThat(hsm().key("pii").decrypt(envelope(column("address", alice.id())), rowContext))
        .isEqualTo(utf8("1 Alice Road"));
    assertThat(
            hsm()
                .key("pii-search")
                .decrypt(envelope(column("email", alice.id())), utf8("contact.email")))
        .as("a deterministic field is bound to its context only")
        .isEqualTo(utf8("alice@example.com"));
  }

  @Test
  void contactsSavedTogether_areEachBoundToTheirOwnRow() {
    List<ContactData> saved =
        insertAll(
            List.of(
                new ContactData(
                    UUID.randomUUID().toString(),
                    "Ann",
                    "ann@example.com",
                    "1 Ann Lane",
                    "+1 555 0103"),
                new ContactData(
                    UUID.randomUUID().toString(),
                    "Ben",
                    "ben@example.com",
                    "2 Ben Lane",
                    "+1 555 0104")));

    for (ContactData contact : saved) {
      assertThat(findById(contact.id())).contains(contact);
      byte[] rowContext =
          EncryptedEntityField.rowContext("contact.address", "contact", "address", contact.id());
      assertThat(hsm().key("pii").decrypt(envelope(column("address", contact.id())), rowContext))
          .isEqualTo(utf8(contact.address()));
    }
  }

  @Test
  void addressCopiedFromAnotherContactsRow_failsToLoad_namingEntityAndField() {
    ContactData alice = newContact("Alice", "alice@example.com", "1 Alice Road");
    ContactData bob = newContact("Bob", "bob@example.com", "2 Bob Street");

    execute("UPDATE contact SET address = ? WHERE id = ?", column("address", alice.id()), bob.id());

    assertThatThrownBy(() -> findById(bob.id()))
        .isInstanceOf(InvalidCiphertextException.class)
        .hasMessageContaining("Contact.address (column contact.address, key 'pii')")
        .hasMessageContaining("copied from another row")
        .hasMessageNotContaining("Alice");
    assertThat(findById(alice.id())).as("the row it was copied from still reads").contains(alice);
  }

  @Test
  void addressCopiedFromAnotherContactsRow_failsTheFinderToo() {
    ContactData alice = newContact("Alice", "alice@example.com", "1 Alice Road");
    ContactData bob = newContact("Bob", "bob@example.com", "2 Bob Street");

    execute("UPDATE contact SET address = ? WHERE id = ?", column("address", alice.id()), bob.id());

    assertThatThrownBy(() -> findByEmail("bob@example.com"))
        .isInstanceOf(InvalidCiphertextException.class)
        .hasMessageContaining("Contact.address");
  }

  @Test
  void valueCopiedIntoAnotherColumnOfTheSameRow_failsToLoad() {
    ContactData alice = newContact("Alice", "alice@example.com", "1 Alice Road");

    execute("UPDATE contact SET phone = address WHERE id = ?", alice.id());

    assertThatThrownBy(() -> findById(alice.id()))
        .isInstanceOf(InvalidCiphertextException.class)
        .hasMessageContaining("Contact.phone (column contact.phone, key 'pii')");
  }

  @Test
  void tamperedColumn_failsToLoad() {
    ContactData alice = newContact("Alice", "alice@example.com", "1 Alice Road");
    byte[] address = envelope(column("address", alice.id()));
    address[address.length - 1] ^= 1;

    execute("UPDATE contact SET address = ? WHERE id = ?", text(address), alice.id());

    assertThatThrownBy(() -> findById(alice.id()))
        .isInstanceOf(InvalidCiphertextException.class)
        .hasMessageContaining("Contact.address");
  }

  @Test
  void updatedContact_isEncryptedForItsOwnRowAgain() {
    ContactData alice = newContact("Alice", "alice@example.com", "1 Alice Road");
    ContactData moved =
        new ContactData(alice.id(), "Alice", "alice@example.com", "9 New Street", alice.phone());

    update(moved);

    assertThat(findById(alice.id())).contains(moved);
    byte[] rowContext =
        EncryptedEntityField.rowContext("contact.address", "contact", "address", alice.id());
    assertThat(hsm().key("pii").decrypt(envelope(column("address", alice.id())), rowContext))
        .isEqualTo(utf8("9 New Street"));
  }

  @Test
  void contactWithoutAnId_isRefusedWhenSaved_andNothingIsWritten() {
    assertThatThrownBy(
            () -> insert(new ContactData(null, "Nobody", "nobody@example.com", "0 Nowhere", null)))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("Contact.address (field)")
        .hasMessageContaining("the row's id is not set when it is written")
        .hasMessageContaining("bindToRow = false");
    assertThat(((Number) queryValue("SELECT count(*) FROM contact")).longValue()).isZero();
  }

  @Test
  void deterministicEmail_givesEqualColumnsInEveryRow_andIsFoundByEquality() {
    ContactData alice = newContact("Alice", "shared@example.com", "1 Alice Road");
    ContactData alicia = newContact("Alicia", "shared@example.com", "1 Alice Road");

    assertThat(column("email", alice.id())).isEqualTo(column("email", alicia.id()));
    assertThat(column("address", alice.id())).isNotEqualTo(column("address", alicia.id()));
    assertThat(findByEmail("nobody@example.com")).isEmpty();
  }

  @Test
  void deterministicEmail_copiedFromAnotherRow_stillDecrypts_asDocumented() {
    ContactData alice = newContact("Alice", "alice@example.com", "1 Alice Road");
    ContactData bob = newContact("Bob", "bob@example.com", "2 Bob Street");

    execute("UPDATE contact SET email = ? WHERE id = ?", column("email", alice.id()), bob.id());

    assertThat(findById(bob.id()).orElseThrow().email())
        .as("deterministic fields cannot be bound to their row: equal values must match")
        .isEqualTo("alice@example.com");
  }

  @Test
  void valueWrittenBeforeRowBinding_failsToLoad_untilMigratedToTheRowContext() {
    ContactData alice = newContact("Alice", "alice@example.com", "1 Alice Road");
    byte[] unbound = hsm().key("pii").encrypt(utf8("1 Alice Road"), utf8("contact.address"));
    execute("UPDATE contact SET address = ? WHERE id = ?", text(unbound), alice.id());

    assertThatThrownBy(() -> findById(alice.id()))
        .isInstanceOf(InvalidCiphertextException.class)
        .hasMessageContaining("written before row binding");

    // the migration the starters' docs describe, for one row: read the column with plain JDBC,
    // decrypt with the field's context alone, encrypt for the row, write it back
    String id = alice.id();
    KeyHandle pii = hsm().key("pii");
    byte[] old = Base64.getUrlDecoder().decode(column("address", id));
    byte[] plain = pii.decrypt(old, "contact.address".getBytes(StandardCharsets.UTF_8));
    byte[] bound =
        pii.encrypt(
            plain, EncryptedEntityField.rowContext("contact.address", "contact", "address", id));
    String migrated = Base64.getUrlEncoder().withoutPadding().encodeToString(bound);
    execute("UPDATE contact SET address = ? WHERE id = ?", migrated, id);

    assertThat(findById(alice.id())).contains(alice);
  }

  @Test
  void optedOutField_onAnIdTheDatabaseGenerates_works_butCanBeCopiedBetweenRows_asDocumented() {
    long first = insertMemo("first memo");
    long second = insertMemo("second memo");

    assertThat(findMemoBody(first)).contains("first memo");
    String firstBody = (String) queryValue("SELECT body FROM memo WHERE id = ?", first);
    assertThat(hsm().key("pii").decrypt(envelope(firstBody), utf8("memo.body")))
        .isEqualTo(utf8("first memo"));

    execute("UPDATE memo SET body = ? WHERE id = ?", firstBody, second);

    assertThat(findMemoBody(second))
        .as("bindToRow = false: bound to its context only")
        .contains("first memo");
  }
}
