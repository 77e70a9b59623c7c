package dev.hsm.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.HsmClient;
import dev.hsm.InvalidArgumentException;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.KeySpec;
import dev.hsm.TestStores;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conversion between an {@code @Encrypted} entity field and its column, framework-neutral:
 * randomized fields bound to their row, deterministic and opted-out fields bound to their context
 * only, and the start-up refusals. The starters' tests run the same cases through Micronaut Data
 * and Spring Data JDBC ({@code dev.hsm.contract.EncryptedEntityContract}).
 */
class EncryptedEntityFieldTest {
  @TempDir static Path dir;
  static HsmClient hsm;

  @BeforeAll
  static void open() {
    hsm = TestStores.open(dir, "entities.db");
    hsm.createKey("pii", KeySpec.aes256Gcm());
    hsm.createKey("index", KeySpec.aes256GcmSiv());
  }

  @AfterAll
  static void close() {
    hsm.close();
  }

  @SuppressWarnings("unused")
  static class Customer {
    @Encrypted(key = "pii", context = "customer.address")
    String address;

    @Encrypted(key = "pii", context = "customer.address")
    String previousAddress;

    @Encrypted(key = "pii", context = "customer.scan")
    byte[] scan;

    @Encrypted(key = "index", deterministic = true, context = "customer.email")
    String email;

    @Encrypted(key = "pii", context = "customer.note", bindToRow = false)
    String note;

    @Encrypted(key = "pii", context = "customer.count")
    int count;
  }

  private static Encrypted annotation(String field) {
    try {
      return Customer.class.getDeclaredField(field).getAnnotation(Encrypted.class);
    } catch (NoSuchFieldException e) {
      throw new AssertionError(e);
    }
  }

  private static EncryptedEntityField.Location location(String field, String column) {
    return new EncryptedEntityField.Location(
        Customer.class, field, "customer", column, String.class, false);
  }

  private static EncryptedEntityField field(String name) {
    return field(name, location(name, column(name)));
  }

  private static EncryptedEntityField field(String name, EncryptedEntityField.Location location) {
    try {
      return EncryptedEntityField.of(
          annotation(name), Customer.class.getDeclaredField(name).getType(), location, hsm::key);
    } catch (NoSuchFieldException e) {
      throw new AssertionError(e);
    }
  }

  private static String column(String field) {
    return field.replaceAll("([A-Z])", "_$1").toLowerCase();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void randomizedField_roundTripsInItsOwnRow_asBase64urlText() {
    EncryptedEntityField address = field("address");

    Object column = address.toColumn("1 Main St", "c-1");

    assertThat(address.isRowBound()).isTrue();
    assertThat(column).isInstanceOf(String.class);
    assertThat((String) column).doesNotContain("Main").matches("[A-Za-z0-9_-]+");
    assertThat(address.fromColumn(column, "c-1")).isEqualTo("1 Main St");
  }

  @Test
  void randomizedValue_copiedIntoAnotherRow_failsNamingEntityAndField() {
    EncryptedEntityField address = field("address");
    Object alices = address.toColumn("1 Alice Road", "alice");

    assertThatThrownBy(() -> address.fromColumn(alices, "bob"))
        .isInstanceOf(InvalidCiphertextException.class)
        .hasMessageContaining("EncryptedEntityFieldTest$Customer.address")
        .hasMessageContaining("column customer.address")
        .hasMessageContaining("copied from another row")
        .hasMessageNotContaining("Alice");
  }

  @Test
  void randomizedValue_copiedIntoAnotherColumnWithTheSameContext_fails() {
    Object address = field("address").toColumn("1 Main St", "c-1");

    assertThatThrownBy(() -> field("previousAddress").fromColumn(address, "c-1"))
        .isInstanceOf(InvalidCiphertextException.class);
  }

  @Test
  void randomizedValue_copiedIntoAnotherTableWithTheSameIdAndColumn_fails() {
    Object customers = field("address").toColumn("1 Main St", "7");
    EncryptedEntityField suppliers =
        field(
            "address",
            new EncryptedEntityField.Location(
                Customer.class, "address", "supplier", "address", String.class, false));

    assertThatThrownBy(() -> suppliers.fromColumn(customers, "7"))
        .isInstanceOf(InvalidCiphertextException.class);
  }

  @Test
  void randomizedValue_isBoundToTheDocumentedRowContext() {
    Object column = field("address").toColumn("1 Main St", 42L);

    byte[] context =
        EncryptedEntityField.rowContext("customer.address", "customer", "address", 42L);
    assertThat(hsm.key("pii").decrypt(Base64.getUrlDecoder().decode((String) column), context))
        .isEqualTo(utf8("1 Main St"));
  }

  @Test
  void rowContext_isFiveLengthPrefixedStrings() {
    byte[] context = EncryptedEntityField.rowContext("c", "t", "col", 7);

    assertThat(HexFormat.of().formatHex(context))
        .isEqualTo(
            "00000015"
                + HexFormat.of().formatHex(utf8("dev.hsm/v1/entity-row"))
                + "00000001"
                + "63"
                + "00000001"
                + "74"
                + "00000003"
                + "636f6c"
                + "00000001"
                + "37");
  }

  @Test
  void rowContext_isTheSameForEveryWholeNumberType_andUsesTheCanonicalUuidText() {
    byte[] fromLong = EncryptedEntityField.rowContext("c", "t", "id", 12L);

    assertThat(EncryptedEntityField.rowContext("c", "t", "id", 12)).isEqualTo(fromLong);
    assertThat(EncryptedEntityField.rowContext("c", "t", "id", (short) 12)).isEqualTo(fromLong);
    assertThat(EncryptedEntityField.rowContext("c", "t", "id", BigInteger.valueOf(12)))
        .isEqualTo(fromLong);
    assertThat(EncryptedEntityField.rowContext("c", "t", "id", "12")).isEqualTo(fromLong);
    UUID uuid = UUID.fromString("0F8FAD5B-D9CB-469F-A165-70867728950E");
    assertThat(EncryptedEntityField.rowContext("c", "t", "id", uuid))
        .isEqualTo(
            EncryptedEntityField.rowContext(
                "c", "t", "id", "0f8fad5b-d9cb-469f-a165-70867728950e"));
    assertThatThrownBy(() -> EncryptedEntityField.rowContext("c", "t", "id", 1.5))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("java.lang.Double");
  }

  @Test
  void bytesField_holdsTheEnvelope_boundToItsRow() {
    EncryptedEntityField scan = field("scan");

    byte[] column = (byte[]) scan.toColumn(new byte[] {1, 2, 3}, "c-1");

    assertThat(scan.fromColumn(column, "c-1")).isEqualTo(new byte[] {1, 2, 3});
    assertThat(
            hsm.key("pii")
                .decrypt(
                    column,
                    EncryptedEntityField.rowContext("customer.scan", "customer", "scan", "c-1")))
        .containsExactly(1, 2, 3);
    assertThatThrownBy(() -> scan.fromColumn(column, "c-2"))
        .isInstanceOf(InvalidCiphertextException.class);
  }

  @Test
  void legacyValue_writtenWithTheFieldContextOnly_failsInsteadOfBeingAccepted() {
    byte[] unbound = hsm.key("pii").encrypt(utf8("1 Main St"), utf8("customer.address"));
    String column = Base64.getUrlEncoder().withoutPadding().encodeToString(unbound);

    assertThatThrownBy(() -> field("address").fromColumn(column, "c-1"))
        .isInstanceOf(InvalidCiphertextException.class)
        .hasMessageContaining("written before row binding");
  }

  @Test
  void legacyValue_migratedByDecryptingWithTheOldContextAndEncryptingWithTheRowContext_reads() {
    String old =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(hsm.key("pii").encrypt(utf8("1 Main St"), utf8("customer.address")));
    String id = "c-1";

    // the migration docs/MICRONAUT.md and docs/SPRING-BOOT.md describe, for one row
    byte[] plain =
        hsm.key("pii").decrypt(Base64.getUrlDecoder().decode(old), utf8("customer.address"));
    byte[] bound =
        hsm.key("pii")
            .encrypt(
                plain,
                EncryptedEntityField.rowContext("customer.address", "customer", "address", id));
    String migrated = Base64.getUrlEncoder().withoutPadding().encodeToString(bound);

    assertThat(field("address").fromColumn(migrated, id)).isEqualTo("1 Main St");
  }

  @Test
  void deterministicField_isBoundToItsContextOnly_soEqualValuesMatchAcrossRows() {
    EncryptedEntityField email = field("email");

    Object inRowOne = email.toColumn("alice@example.com", "1");
    Object inRowTwo = email.toColumn("alice@example.com", "2");

    assertThat(email.isRowBound()).isFalse();
    assertThat(inRowOne).isEqualTo(inRowTwo);
    assertThat(email.fromColumn(inRowOne, "2")).isEqualTo("alice@example.com");
    assertThat(
            hsm.key("index")
                .decrypt(Base64.getUrlDecoder().decode((String) inRowOne), utf8("customer.email")))
        .isEqualTo(utf8("alice@example.com"));
  }

  @Test
  void optedOutField_isBoundToItsContextOnly_andWorksWithoutAnId() {
    EncryptedEntityField note =
        field(
            "note",
            new EncryptedEntityField.Location(
                Customer.class, "note", "customer", "note", Long.class, true));

    Object column = note.toColumn("call after 5pm", null);

    assertThat(note.isRowBound()).isFalse();
    assertThat(note.fromColumn(column, 99L)).isEqualTo("call after 5pm");
    assertThat(
            hsm.key("pii")
                .decrypt(Base64.getUrlDecoder().decode((String) column), utf8("customer.note")))
        .isEqualTo(utf8("call after 5pm"));
  }

  @Test
  void tamperedUnboundValue_failsNamingTheColumn() {
    EncryptedEntityField email = field("email");
    byte[] envelope =
        Base64.getUrlDecoder().decode((String) email.toColumn("alice@example.com", null));
    envelope[envelope.length - 1] ^= 1;

    assertThatThrownBy(
            () ->
                email.fromColumn(
                    Base64.getUrlEncoder().withoutPadding().encodeToString(envelope), null))
        .isInstanceOf(InvalidCiphertextException.class)
        .hasMessageContaining("Customer.email (column customer.email, key 'index')")
        .hasMessageContaining("altered or copied from another column");
  }

  @Test
  void textThatIsNotBase64url_failsAsInvalidCiphertext() {
    assertThatThrownBy(() -> field("address").fromColumn("not base64!", "c-1"))
        .isInstanceOf(InvalidCiphertextException.class)
        .hasMessageContaining("Customer.address");
  }

  @Test
  void writingARowBoundValueWithoutAnId_isRefused_beforeAnythingIsEncrypted() {
    EncryptedEntityField address = field("address");

    assertThatThrownBy(() -> address.toColumn("1 Main St", null))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("@Encrypted(key = \"pii\") on ")
        .hasMessageContaining("Customer.address (field)")
        .hasMessageContaining("the row's id is not set when it is written")
        .hasMessageContaining("bindToRow = false");
    assertThat(address.toColumn(null, null)).as("a null value needs no id").isNull();
  }

  @Test
  void onlyADeterministicField_canBeComparedByARepositoryMethod() {
    field("email").requireComparable("Customers.findByEmail");

    for (String randomized : new String[] {"address", "note"}) {
      assertThatThrownBy(() -> field(randomized).requireComparable("Customers.findBy" + randomized))
          .as(randomized)
          .isInstanceOf(InvalidAnnotationException.class)
          .hasMessageContaining("@Encrypted(key = \"pii\") on ")
          .hasMessageContaining("Customer." + randomized + " (field)")
          .hasMessageContaining(
              "the repository method Customers.findBy"
                  + randomized
                  + " compares it with an argument")
          .hasMessageContaining("deterministic = false")
          .hasMessageContaining("no query can match it");
    }
  }

  @Test
  void aRowBoundField_cannotBeSetWithoutItsEntity_otherFieldsCan() {
    field("email").requireWritableWithoutEntity("Customers.updateEmail");
    field("note").requireWritableWithoutEntity("Customers.updateNote");

    assertThatThrownBy(
            () -> field("address").requireWritableWithoutEntity("Customers.updateAddress"))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("Customer.address (field)")
        .hasMessageContaining("the repository method Customers.updateAddress sets it")
        .hasMessageContaining("can only be written by saving or updating the entity");
  }

  @Test
  void rowBoundField_onAnEntityWhoseIdTheDatabaseGenerates_isRefusedAtStartup() {
    assertThatThrownBy(
            () ->
                field(
                    "address",
                    new EncryptedEntityField.Location(
                        Customer.class, "address", "customer", "address", Long.class, true)))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("Customer.address (field)")
        .hasMessageContaining("the database generates the id when the row is written")
        .hasMessageContaining("assign ids in the application")
        .hasMessageContaining("bindToRow = false");
  }

  @Test
  void rowBoundField_onAnEntityWithoutASingleId_isRefusedAtStartup() {
    assertThatThrownBy(
            () ->
                field(
                    "address",
                    new EncryptedEntityField.Location(
                        Customer.class, "address", "customer", "address", null, false)))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("no single id property");
  }

  @Test
  void rowBoundField_onAnEntityWithAnIdOfAnotherType_isRefusedAtStartup() {
    assertThatThrownBy(
            () ->
                field(
                    "address",
                    new EncryptedEntityField.Location(
                        Customer.class, "address", "customer", "address", double.class, false)))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("the id is a double")
        .hasMessageContaining("String, UUID or whole-number ids");
  }

  @Test
  void wrongFieldType_isRefusedWithTheBoundaryMessage() {
    assertThatThrownBy(() -> field("count"))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("Customer.count (field)")
        .hasMessageContaining("only String and byte[]");
  }
}
