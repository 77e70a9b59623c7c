package dev.hsm.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartTest {
  /** PKCS#8 for an EC key starts: version 0, then the id-ecPublicKey algorithm identifier. */
  private static final byte[] PKCS8_EC_PREFIX =
      HexFormat.of().parseHex("020100301306072a8648ce3d0201");

  @TempDir Path dir;

  private String run(Path store) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Quickstart.run(store, false, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void firstRun_createsStoreAndKeys_andWalksThroughEveryOperation() {
    String output = run(dir.resolve("q.db"));

    assertThat(output)
        .contains("WARNING: HSM_PASSPHRASE is not set")
        .contains("Created key store")
        .contains("Created key KeyHandle[invoices v1 ECDSA_P256_SHA256 SIGN,VERIFY]")
        .contains("Created key KeyHandle[pii v1 AES_256_GCM ENCRYPT,DECRYPT]")
        .contains("Verified the signature.")
        .contains("A changed invoice is rejected")
        .contains("Decrypted it again: alice@example.com")
        .contains("-----BEGIN PUBLIC KEY-----")
        .contains("\"kid\":\"invoices:1\"");
  }

  @Test
  void secondRun_reusesTheSameKeys() {
    Path store = dir.resolve("q.db");
    run(store);
    String second = run(store);

    assertThat(second)
        .contains("Opened key store")
        .contains("Using existing key KeyHandle[invoices v1")
        .contains("Using existing key KeyHandle[pii v1")
        .doesNotContain("Created key");
  }

  @Test
  void afterTheQuickstart_noPrivateKeyStructureIsInTheStoreFiles() throws IOException {
    Path store = dir.resolve("q.db");
    run(store);

    try (Stream<Path> files = Files.list(dir)) {
      files
          .filter(f -> f.getFileName().toString().startsWith("q.db"))
          .forEach(
              f -> {
                byte[] content = read(f);
                assertThat(indexOf(content, PKCS8_EC_PREFIX))
                    .as("PKCS#8 EC private key structure in %s", f)
                    .isEqualTo(-1);
                assertThat(
                        indexOf(
                            content, "quickstart-dev-passphrase".getBytes(StandardCharsets.UTF_8)))
                    .as("passphrase in %s", f)
                    .isEqualTo(-1);
              });
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
