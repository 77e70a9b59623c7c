package dev.hsm.micronaut;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/** Settings for a real store in a fresh temporary directory, unlocked with a key file. */
public final class TestHsm {
  private TestHsm() {}

  /** A new temporary directory holding a 32-byte key file; deleted on exit. */
  public static Path newDirectory() {
    try {
      Path dir = Files.createTempDirectory("hsm-micronaut-");
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      Files.write(dir.resolve("hsm.key"), key);
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The store in {@code dir}, unlocked with its key file, and the keys every test context declares
   * ({@link #declaredKeys()}).
   */
  public static Map<String, Object> properties(Path dir) {
    Map<String, Object> properties = declaredKeys();
    properties.put("hsm.store.path", dir.resolve("hsm.db").toString());
    properties.put("hsm.unlock.key-file", dir.resolve("hsm.key").toString());
    return properties;
  }

  /**
   * The keys every test context declares, because its beans use them: the contract's {@code
   * receipts} (ECDSA P-256), {@code pii} (AES-256-GCM), {@code pq-receipts} (ML-DSA-65) and {@code
   * pq-pii} (X-Wing), and {@code pii-search} (AES-256-GCM-SIV) for the entity's searchable field.
   */
  public static Map<String, Object> declaredKeys() {
    Map<String, Object> properties = new HashMap<>();
    properties.put("hsm.keys.receipts.algorithm", "ECDSA_P256_SHA256");
    properties.put("hsm.keys.pii.algorithm", "AES_256_GCM");
    properties.put("hsm.keys.pii-search.algorithm", "AES_256_GCM_SIV");
    properties.put("hsm.keys.pq-receipts.algorithm", "ML_DSA_65");
    properties.put("hsm.keys.pq-pii.algorithm", "ML_KEM_768_X25519");
    return properties;
  }
}
