package dev.hsm;

import static org.assertj.core.api.Assertions.assertThat;

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

/** The worked examples in docs/FORMATS.md, run through the engine, so the page cannot drift. */
class FormatsDocTest {
  private static final Path FORMATS = Path.of("..", "docs", "FORMATS.md");
  private static final HexFormat HEX = HexFormat.of();

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

  /** The {@code name value} lines of the text block that starts with {@code # example: id}. */
  private static Map<String, String> example(String id) throws IOException {
    String doc = Files.readString(FORMATS, StandardCharsets.UTF_8);
    int start = doc.indexOf("# example: " + id + "\n");
    assertThat(start).as("example %s in %s", id, FORMATS).isNotNegative();
    String block = doc.substring(start, doc.indexOf("```", start));
    Map<String, String> fields = new HashMap<>();
    for (String line : block.split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        String[] parts = line.split("\\s+", 2);
        fields.put(parts[0], parts[1].trim());
      }
    }
    return fields;
  }

  private static byte[] hex(String spaced) {
    return HEX.parseHex(spaced.replace(" ", ""));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aesGcmExample_decryptsToTheDocumentedPlaintext() throws IOException {
    Map<String, String> example = example("aes-256-gcm");
    KeyHandle key =
        hsm.importKey(
            "doc-aes", KeySpec.aes256Gcm(), KeyMaterial.secretKey(hex(example.get("key"))));

    byte[] plaintext = key.decrypt(hex(example.get("envelope")), utf8(example.get("context")));

    assertThat(new String(plaintext, StandardCharsets.UTF_8)).isEqualTo(example.get("plaintext"));
  }

  @Test
  void ed25519Example_signsToTheDocumentedEnvelope_andExportsTheDocumentedKey() throws IOException {
    Map<String, String> example = example("ed25519");
    KeyHandle key =
        hsm.importKey(
            "doc-ed25519",
            KeySpec.ed25519(),
            KeyMaterial.privateKeyPkcs8(hex(example.get("pkcs8"))));

    assertThat(key.sign(utf8(example.get("message")))).isEqualTo(hex(example.get("envelope")));
    key.verify(utf8(example.get("message")), hex(example.get("envelope")));
    assertThat(key.publicKeyPem()).contains(example.get("public"));
  }

  @Test
  void hmacExample_macsToTheDocumentedEnvelope() throws IOException {
    Map<String, String> example = example("hmac-sha256");
    KeyHandle key =
        hsm.importKey(
            "doc-hmac", KeySpec.hmacSha256(), KeyMaterial.secretKey(hex(example.get("key"))));

    assertThat(key.mac(utf8(example.get("message")))).isEqualTo(hex(example.get("envelope")));
  }
}
