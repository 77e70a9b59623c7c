package dev.hsm.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.HsmClient;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.TestStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worked example of docs/FORMATS.md's "{@code @Encrypted} entity fields", run through {@link
 * EncryptedEntityField}, so the documented row-bound format and the code cannot drift apart.
 */
class EntityFieldFormatDocTest {
  private static final Path FORMATS = Path.of("..", "docs", "FORMATS.md");

  @TempDir static Path dir;
  static HsmClient hsm;

  @BeforeAll
  static void open() {
    hsm = TestStores.open(dir, "formats.db");
  }

  @AfterAll
  static void close() {
    hsm.close();
  }

  @SuppressWarnings("unused")
  static class Customer {
    @Encrypted(key = "doc-entity-row", context = "customer.address")
    String address;
  }

  /** The {@code name value} lines of the text block that starts with {@code # example: id}. */
  private static Map<String, String> example(String id) throws IOException {
    String doc = Files.readString(FORMATS, StandardCharsets.UTF_8);
    int start = doc.indexOf("# example: " + id + "\n");
    assertThat(start).as("example %s in %s", id, FORMATS).isNotNegative();
    Map<String, String> fields = new HashMap<>();
    for (String line : doc.substring(start, doc.indexOf("```", start)).split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        String[] parts = line.split("\\s+", 2);
        fields.put(parts[0], parts[1].trim());
      }
    }
    return fields;
  }

  @Test
  void rowBoundExample_hasTheDocumentedContext_andDecryptsOnlyInItsRow() throws Exception {
    Map<String, String> example = example("entity-row");
    hsm.importKey(
        "doc-entity-row",
        KeySpec.aes256Gcm(),
        KeyMaterial.secretKey(HexFormat.of().parseHex(example.get("key"))));
    long id = Long.parseLong(example.get("id"));

    assertThat(
            EncryptedEntityField.rowContext(
                example.get("context"), example.get("table"), example.get("column"), id))
        .isEqualTo(HexFormat.of().parseHex(example.get("aad").replace(" ", "")));
    EncryptedEntityField field =
        EncryptedEntityField.of(
            Customer.class.getDeclaredField("address").getAnnotation(Encrypted.class),
            String.class,
            new EncryptedEntityField.Location(
                Customer.class,
                "address",
                example.get("table"),
                example.get("column"),
                Long.class,
                false),
            hsm::key);
    assertThat(field.fromColumn(example.get("stored"), id)).isEqualTo(example.get("plaintext"));
    assertThatThrownBy(() -> field.fromColumn(example.get("stored"), id + 1))
        .isInstanceOf(InvalidCiphertextException.class);
  }
}
