package dev.hsm.internal.protection;

import dev.hsm.Argon2Parameters;
import dev.hsm.HsmConfig;
import dev.hsm.InvalidArgumentException;
import dev.hsm.UnlockFailedException;
import dev.hsm.UnlockSecret;
import dev.hsm.internal.crypto.Randomness;
import dev.hsm.spi.StoredSlot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;

/**
 * Unlock slots: the master key wrapped (AES-256-GCM) under a key derived from one unlock secret. A
 * passphrase is stretched with Argon2id, parameters and salt stored in the slot; a key file's bytes
 * go through HKDF-SHA-256. The slot's kind, parameters and salt are bound as associated data, so
 * editing them makes the slot fail to open.
 */
public final class Unlocking {
  public static final String PASSPHRASE = "passphrase-argon2id";
  public static final String KEY_FILE = "key-file-hkdf-sha256";

  private static final int SALT_BYTES = 16;
  private static final int MIN_KEY_FILE_BYTES = 32;
  private static final int MAX_KEY_FILE_BYTES = 64 * 1024;
  private static final Pattern ARGON2_PARAMS =
      Pattern.compile("m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,3})");

  private Unlocking() {}

  /** The unlock secret named by a config, read now: a passphrase or a key file's bytes. */
  public static final class Secret {
    final String kind;
    final char[] passphrase;
    final byte[] keyFileBytes;
    public final String description;
    final Argon2Parameters argon2;

    private Secret(
        String kind,
        char[] passphrase,
        byte[] keyFileBytes,
        String description,
        Argon2Parameters argon2) {
      this.kind = kind;
      this.passphrase = passphrase;
      this.keyFileBytes = keyFileBytes;
      this.description = description;
      this.argon2 = argon2;
    }

    public void wipe() {
      if (passphrase != null) {
        Arrays.fill(passphrase, '\0');
      }
      Secrets.wipe(keyFileBytes);
    }
  }

  /** Reads a secret now: the passphrase (from the environment if so configured) or key file. */
  public static Secret read(UnlockSecret secret) {
    if (secret.kind() == UnlockSecret.Kind.PASSPHRASE) {
      char[] passphrase = secret.passphrase();
      if (passphrase == null) {
        String name = secret.environmentVariable();
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
          throw new UnlockFailedException(
              "environment variable " + name + " holds no passphrase (unset or empty)");
        }
        passphrase = value.toCharArray();
      }
      return new Secret(PASSPHRASE, passphrase, null, secret.describe(), secret.argon2());
    }
    Path path = secret.keyFile();
    byte[] bytes;
    try {
      if (Files.size(path) > MAX_KEY_FILE_BYTES) {
        throw new UnlockFailedException("key file " + path + " is larger than 64 KiB");
      }
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new UnlockFailedException("cannot read key file " + path + ": " + e, e);
    }
    if (bytes.length < MIN_KEY_FILE_BYTES) {
      throw new UnlockFailedException(
          "key file "
              + path
              + " has "
              + bytes.length
              + " bytes; it needs at least 32 random bytes");
    }
    return new Secret(KEY_FILE, null, bytes, secret.describe(), null);
  }

  /** The secret a config names, read now. */
  public static Secret read(HsmConfig config) {
    return read(
        config
            .unlockSecret()
            .orElseThrow(
                () ->
                    new InvalidArgumentException(
                        "HsmConfig has no unlock secret: call passphrase(...),"
                            + " passphraseFromEnv(...) or keyFile(...)")));
  }

  /** A new slot holding {@code masterKey} under {@code secret}. */
  public static StoredSlot newSlot(String storeId, Secret secret, byte[] masterKey, Clock clock) {
    byte[] salt = Randomness.bytes(SALT_BYTES);
    String parameters = secret.kind.equals(PASSPHRASE) ? argon2Text(secret.argon2) : "-";
    byte[] kek = deriveKek(secret, parameters, salt, storeId);
    try {
      byte[] wrapped =
          AesGcm.seal(
              new SecretKeySpec(kek, "AES"),
              masterKey,
              aad(storeId, secret.kind, parameters, salt));
      return new StoredSlot(0, secret.kind, parameters, salt, wrapped, clock.millis());
    } finally {
      Secrets.wipe(kek);
    }
  }

  /**
   * A slot holding {@code masterKey} under the same secret, salt and parameters as {@code slot}.
   */
  public static StoredSlot resealed(
      String storeId, StoredSlot slot, Secret secret, byte[] masterKey) {
    byte[] kek = deriveKek(secret, slot.kdfParameters(), slot.salt(), storeId);
    try {
      byte[] wrapped =
          AesGcm.seal(
              new SecretKeySpec(kek, "AES"),
              masterKey,
              aad(storeId, slot.kind(), slot.kdfParameters(), slot.salt()));
      return new StoredSlot(
          slot.id(),
          slot.kind(),
          slot.kdfParameters(),
          slot.salt(),
          wrapped,
          slot.createdAtMillis());
    } finally {
      Secrets.wipe(kek);
    }
  }

  /** The master key if {@code secret} opens {@code slot}, else {@code null}. */
  public static byte[] tryOpen(String storeId, StoredSlot slot, Secret secret) {
    if (!secret.kind.equals(slot.kind())) {
      return null;
    }
    byte[] kek = deriveKek(secret, slot.kdfParameters(), slot.salt(), storeId);
    try {
      return AesGcm.open(
          new SecretKeySpec(kek, "AES"),
          slot.wrappedMasterKey(),
          aad(storeId, slot.kind(), slot.kdfParameters(), slot.salt()));
    } catch (GeneralSecurityException | RuntimeException wrongSecret) {
      return null;
    } finally {
      Secrets.wipe(kek);
    }
  }

  public static String argon2Text(Argon2Parameters argon2) {
    return "m=" + argon2.memoryKib() + ",t=" + argon2.iterations() + ",p=" + argon2.parallelism();
  }

  /**
   * The master key from the first slot {@code secret} opens.
   *
   * @throws UnlockFailedException if none does
   */
  public static byte[] unlock(
      String storeId, List<StoredSlot> slots, Secret secret, String storeDescription) {
    boolean anyOfKind = false;
    for (StoredSlot slot : slots) {
      anyOfKind |= secret.kind.equals(slot.kind());
      byte[] masterKey = tryOpen(storeId, slot, secret);
      if (masterKey != null) {
        return masterKey;
      }
    }
    if (!anyOfKind) {
      throw new UnlockFailedException(
          "key store "
              + storeDescription
              + " has no "
              + (secret.kind.equals(PASSPHRASE) ? "passphrase" : "key file")
              + " unlock slot; it is unlocked another way");
    }
    throw new UnlockFailedException(
        "the given "
            + secret.description.replaceFirst("^a ", "")
            + " does not unlock key store "
            + storeDescription);
  }

  private static byte[] aad(String storeId, String kind, String parameters, byte[] salt) {
    return new Canonical("dev.hsm/v1/unlock-slot")
        .add(storeId)
        .add(kind)
        .add(parameters)
        .add(salt)
        .toBytes();
  }

  private static byte[] deriveKek(Secret secret, String parameters, byte[] salt, String storeId) {
    if (secret.kind.equals(KEY_FILE)) {
      byte[] saltAndStore =
          new Canonical("dev.hsm/v1/key-file-salt").add(salt).add(storeId).toBytes();
      return Secrets.hkdf(secret.keyFileBytes, saltAndStore, "dev.hsm/v1/key-file-slot");
    }
    return argon2(secret.passphrase, parameters, salt);
  }

  /** Argon2id of {@code passphrase} with textual parameters {@code m=..,t=..,p=..}; 32 bytes. */
  public static byte[] argon2(char[] passphrase, String parameters, byte[] salt) {
    Matcher m = ARGON2_PARAMS.matcher(parameters == null ? "" : parameters);
    if (!m.matches()) {
      throw new UnlockFailedException("unlock slot has malformed Argon2 parameters");
    }
    Argon2Parameters cost;
    try {
      cost =
          new Argon2Parameters(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)));
    } catch (InvalidArgumentException | NumberFormatException e) {
      throw new UnlockFailedException("unlock slot has out-of-range Argon2 parameters", e);
    }
    Argon2BytesGenerator argon2 = new Argon2BytesGenerator();
    argon2.init(
        new org.bouncycastle.crypto.params.Argon2Parameters.Builder(
                org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id)
            .withVersion(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13)
            .withSalt(salt)
            .withMemoryAsKB(cost.memoryKib())
            .withIterations(cost.iterations())
            .withParallelism(cost.parallelism())
            .build());
    byte[] kek = new byte[32];
    argon2.generateBytes(passphrase, kek);
    return kek;
  }
}
