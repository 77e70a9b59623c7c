package dev.hsm.micronaut.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.HsmClient;
import dev.hsm.KeySpec;
import dev.hsm.TestStores;
import dev.hsm.annotation.Encrypted;
import dev.hsm.annotation.InvalidAnnotationException;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.beans.BeanIntrospection;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How Micronaut Data's mapping feeds the row binding: the table and column names, and an id
 * declared {@code @GeneratedValue}, which start-up refuses for a field bound to its row. The
 * entities here are only introspected, not {@code @MappedEntity}, so that the applications the
 * other tests start (which check every {@code @MappedEntity}) do not refuse them too; {@link
 * EncryptedFields} runs the same check on each mapped entity at start-up.
 */
class GeneratedIdRefusalTest {
  @TempDir static Path dir;
  static HsmClient hsm;

  @BeforeAll
  static void open() {
    hsm = TestStores.open(dir, "hsm.db");
    hsm.createKey("pii", KeySpec.aes256Gcm());
    hsm.createKey("pii-search", KeySpec.aes256GcmSiv());
  }

  @AfterAll
  static void close() {
    hsm.close();
  }

  /** A randomized field bound to its row, on an id the database generates. */
  @Introspected
  public static class Draft {
    @Id @GeneratedValue private Long id;

    @Encrypted(key = "pii", context = "draft.body")
    private String body;

    public Long getId() {
      return id;
    }

    public void setId(Long id) {
      this.id = id;
    }

    public String getBody() {
      return body;
    }

    public void setBody(String body) {
      this.body = body;
    }
  }

  /** The same, opted out of row binding. */
  @Introspected
  public static class Postcard {
    @Id @GeneratedValue private Long id;

    @Encrypted(key = "pii", context = "postcard.text", bindToRow = false)
    private String text;

    public Long getId() {
      return id;
    }

    public void setId(Long id) {
      this.id = id;
    }

    public String getText() {
      return text;
    }

    public void setText(String text) {
      this.text = text;
    }
  }

  @Test
  void rowBoundField_onAGeneratedValueId_isRefused_namingFieldAndKey_andTheWayOut() {
    assertThatThrownBy(
            () ->
                EncryptedFields.entityFields(
                    BeanIntrospection.getIntrospection(Draft.class), hsm::key))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("@Encrypted(key = \"pii\") on ")
        .hasMessageContaining("GeneratedIdRefusalTest$Draft.body (field)")
        .hasMessageContaining("the database generates the id")
        .hasMessageContaining("bindToRow = false");
  }

  @Test
  void optedOutField_onAGeneratedValueId_isAccepted() {
    EncryptedFields.EntityFields postcard =
        EncryptedFields.entityFields(BeanIntrospection.getIntrospection(Postcard.class), hsm::key);

    assertThat(postcard.fields()).hasSize(1);
    assertThat(postcard.fields().get(0).conversion().isRowBound()).isFalse();
  }

  @Test
  void rowBoundField_isBoundToTheTableAndColumnMicronautDataMaps() {
    EncryptedFields.EntityFields contact =
        EncryptedFields.entityFields(BeanIntrospection.getIntrospection(Contact.class), hsm::key);

    assertThat(contact.fields())
        .extracting(field -> field.conversion().location())
        .extracting(
            location -> location.table() + "." + location.column() + " id " + location.idType())
        .containsExactlyInAnyOrder(
            "contact.email id class java.lang.String",
            "contact.address id class java.lang.String",
            "contact.phone id class java.lang.String");
  }
}
