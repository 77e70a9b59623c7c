package dev.hsm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/** Stores for tests: a real SQLite file in a temp dir, unlocked fast; key files for any store. */
public final class TestStores {
  /** Argon2id cheap enough for tests that open many passphrase stores. */
  public static final Argon2Parameters FAST_ARGON2 = new Argon2Parameters(1024, 1, 1);

  private TestStores() {}

  /** A config for {@code dir/name}, unlocked by a key file created beside it on first use. */
  public static HsmConfig keyFileConfig(Path dir, String name) {
    return HsmConfig.sqlite(dir.resolve(name)).keyFile(keyFile(dir, name + ".key"));
  }

  /** The key file {@code dir/name}: 32 random bytes, written on first use. */
  public static Path keyFile(Path dir, String name) {
    Path keyFile = dir.resolve(name);
    if (!Files.exists(keyFile)) {
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      try {
        Files.write(keyFile, bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return keyFile;
  }

  /** Opens (creating) a key-file-unlocked store {@code dir/name}. */
  public static HsmClient open(Path dir, String name) {
    return HsmClient.open(keyFileConfig(dir, name));
  }

  /** A config for {@code dir/name} unlocked by {@code passphrase}, with cheap Argon2id. */
  public static HsmConfig passphraseConfig(Path dir, String name, String passphrase) {
    return HsmConfig.sqlite(dir.resolve(name)).passphrase(passphrase).argon2(FAST_ARGON2);
  }
}
