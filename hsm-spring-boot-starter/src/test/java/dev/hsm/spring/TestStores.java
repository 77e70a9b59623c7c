package dev.hsm.spring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/** Key files and properties for stores in a test's temporary directory. */
public final class TestStores {
  private TestStores() {}

  /** A new 32-byte key file in {@code dir} (unlocking with it is fast, unlike Argon2). */
  public static Path keyFile(Path dir) {
    Path file = dir.resolve("hsm.key");
    if (!Files.exists(file)) {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      try {
        Files.write(file, key);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return file;
  }

  /** {@code hsm.store.path} and {@code hsm.unlock.key-file} for a store in {@code dir}. */
  public static String[] storeIn(Path dir) {
    return new String[] {
      "hsm.store.path=" + dir.resolve("hsm.db"), "hsm.unlock.key-file=" + keyFile(dir)
    };
  }
}
