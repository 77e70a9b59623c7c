package dev.hsm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hsm encrypt} and {@code hsm decrypt}: files round-trip through the chunked envelope format
 * (docs/FORMATS.md, "Encrypted files"); a chunk cut off, dropped, swapped, appended or altered, a
 * changed header or a wrong context fails with exit 6 and writes no output.
 */
class CliEncryptionTest {
  private static final int HEADER_FIXED = 4 + 1 + 4 + 1;
  private static final int SEALED_CHUNK = FileEnvelope.CHUNK + FileEnvelope.TAG;

  @TempDir Path dir;
  private Cli cli;
  private byte[] plain;

  @BeforeEach
  void store() throws Exception {
    cli = Cli.withKeyFileStore(dir, "enc");
    assertThat(cli.hsm("key", "create", "files", "--algorithm", "AES_256_GCM").exit()).isZero();
    plain = new byte[3 * FileEnvelope.CHUNK + 1000]; // three full chunks and a short last one
    new SecureRandom().nextBytes(plain);
    Files.write(dir.resolve("data.bin"), plain);
    Cli.Result encrypted =
        cli.hsm("encrypt", "--key", "files", "--context", "backup", cli.path("data.bin"));
    assertThat(encrypted.exit()).as(encrypted.toString()).isZero();
  }

  private int headerLength(byte[] file) {
    int nameLength = file[9] & 0xff;
    int at = HEADER_FIXED + nameLength;
    int keyLength = java.nio.ByteBuffer.wrap(file, at, 4).getInt();
    return at + 4 + keyLength;
  }

  private Cli.Result decrypt(byte[] file, String context) throws Exception {
    Files.write(dir.resolve("in.hsmenc"), file);
    Files.deleteIfExists(dir.resolve("in"));
    return cli.hsm("decrypt", "--context", context, cli.path("in.hsmenc"));
  }

  @Test
  void aFile_roundTrips_andTheKeyComesFromItsHeader() throws Exception {
    Cli.Result decrypted =
        cli.hsm(
            "decrypt",
            "--context",
            "backup",
            "--out",
            cli.path("back.bin"),
            cli.path("data.bin.hsmenc"));

    assertThat(decrypted.exit()).as(decrypted.toString()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("back.bin"))).isEqualTo(plain);
    assertThat(Files.getPosixFilePermissions(dir.resolve("back.bin")))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    byte[] file = Files.readAllBytes(dir.resolve("data.bin.hsmenc"));
    assertThat(file.length - headerLength(file)).isEqualTo(plain.length + 4 * FileEnvelope.TAG);
  }

  @Test
  void anEmptyFile_andAWholeNumberOfChunks_roundTrip() throws Exception {
    Files.write(dir.resolve("empty"), new byte[0]);
    Files.write(dir.resolve("two"), Arrays.copyOf(plain, 2 * FileEnvelope.CHUNK));
    for (String name : new String[] {"empty", "two"}) {
      assertThat(cli.hsm("encrypt", "--key", "files", cli.path(name)).exit()).isZero();
      Cli.Result back =
          cli.hsm("decrypt", "--out", cli.path(name + ".back"), cli.path(name + ".hsmenc"));
      assertThat(back.exit()).as(back.toString()).isZero();
      assertThat(Files.readAllBytes(dir.resolve(name + ".back")))
          .isEqualTo(Files.readAllBytes(dir.resolve(name)));
    }
  }

  @Test
  void truncation_reordering_extension_andAlteration_areDetected_andNothingIsWritten()
      throws Exception {
    byte[] file = Files.readAllBytes(dir.resolve("data.bin.hsmenc"));
    int header = headerLength(file);
    int lastChunk = header + 3 * SEALED_CHUNK;

    byte[] cutAtChunk = Arrays.copyOf(file, lastChunk); // the last chunk dropped
    byte[] cutInside = Arrays.copyOf(file, file.length - 10);
    byte[] swapped = file.clone();
    System.arraycopy(file, header, swapped, header + SEALED_CHUNK, SEALED_CHUNK);
    System.arraycopy(file, header + SEALED_CHUNK, swapped, header, SEALED_CHUNK);
    byte[] extended = Arrays.copyOf(file, file.length + SEALED_CHUNK);
    System.arraycopy(file, header, extended, file.length, SEALED_CHUNK);
    byte[] altered = file.clone();
    altered[header + 5] ^= 1;
    byte[] headerChanged = file.clone();
    headerChanged[7] ^= 1; // the chunk size, still valid: every chunk's associated data changes

    for (byte[] bad :
        new byte[][] {cutAtChunk, cutInside, swapped, extended, altered, headerChanged}) {
      Cli.Result refused = decrypt(bad, "backup");
      assertThat(refused.exit()).as(refused.toString()).isEqualTo(6);
      assertThat(refused.stderr().strip().lines()).hasSize(1);
      assertThat(dir.resolve("in")).doesNotExist();
      try (var partial = Files.list(dir)) {
        assertThat(partial.filter(p -> p.toString().endsWith(".partial"))).isEmpty();
      }
    }
  }

  @Test
  void aWrongContext_isRefused() throws Exception {
    Cli.Result refused = decrypt(Files.readAllBytes(dir.resolve("data.bin.hsmenc")), "other");

    assertThat(refused.exit()).isEqualTo(6);
    assertThat(dir.resolve("in")).doesNotExist();
  }
}
