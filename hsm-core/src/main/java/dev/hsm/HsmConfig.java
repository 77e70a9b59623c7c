package dev.hsm;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the store is and how to unlock it. Immutable: each {@code with}-style method returns a
 * copy, and conflicting settings fail at once with a message naming both.
 *
 * <pre>{@code
 * HsmConfig.sqlite(Path.of("app-hsm.db")).passphraseFromEnv("HSM_PASSPHRASE")
 * HsmConfig.sqlite(Path.of("app-hsm.db")).keyFile(Path.of("/run/secrets/hsm.key"))
 * }</pre>
 *
 * <p>Exactly one unlock secret is needed: a passphrase (stretched with Argon2id), an environment
 * variable holding the passphrase (read when the store opens), or a key file of at least 32 random
 * bytes. The secret unlocks the store's master key; it is never stored. {@code toString()} masks
 * it.
 */
public final class HsmConfig {
  /** Default number of unwrapped keys kept in memory. */
  public static final int DEFAULT_CACHE_SIZE = 10_000;

  private final Path storePath;
  private final char[] passphrase;
  private final String passphraseEnvironmentVariable;
  private final Path keyFile;
  private final Argon2Parameters argon2;
  private final int cacheSize;
  private final Clock clock;

  private HsmConfig(
      Path storePath,
      char[] passphrase,
      String passphraseEnvironmentVariable,
      Path keyFile,
      Argon2Parameters argon2,
      int cacheSize,
      Clock clock) {
    this.storePath = storePath;
    this.passphrase = passphrase;
    this.passphraseEnvironmentVariable = passphraseEnvironmentVariable;
    this.keyFile = keyFile;
    this.argon2 = argon2;
    this.cacheSize = cacheSize;
    this.clock = clock;
  }

  /** A store in the SQLite file at {@code path}, created on first open. */
  public static HsmConfig sqlite(Path path) {
    return new HsmConfig(
        Objects.requireNonNull(path, "path"),
        null,
        null,
        null,
        Argon2Parameters.DEFAULT,
        DEFAULT_CACHE_SIZE,
        Clock.systemUTC());
  }

  /** Unlock with this passphrase (copied). */
  public HsmConfig passphrase(char[] passphrase) {
    Objects.requireNonNull(passphrase, "passphrase must not be null");
    requireNoCredential("a passphrase");
    if (passphrase.length == 0) {
      throw new IllegalArgumentException("passphrase must not be empty");
    }
    return new HsmConfig(
        storePath, passphrase.clone(), null, null, argon2, cacheSize, clock);
  }

  /** Unlock with this passphrase. */
  public HsmConfig passphrase(String passphrase) {
    Objects.requireNonNull(passphrase, "passphrase must not be null");
    return passphrase(passphrase.toCharArray());
  }

  /**
   * Unlock with the passphrase in environment variable {@code name}, read when the store opens
   * (a missing or empty variable then fails with {@link UnlockFailedException}).
   */
  public HsmConfig passphraseFromEnv(String name) {
    Objects.requireNonNull(name, "name");
    requireNoCredential("a passphrase from environment variable " + name);
    return new HsmConfig(storePath, null, name, null, argon2, cacheSize, clock);
  }

  /**
   * Unlock with a key file: at least 32 bytes, ideally random (for example {@code head -c 32
   * /dev/urandom > hsm.key}), readable only by the application.
   */
  public HsmConfig keyFile(Path keyFile) {
    Objects.requireNonNull(keyFile, "keyFile");
    requireNoCredential("key file " + keyFile);
    return new HsmConfig(storePath, null, null, keyFile, argon2, cacheSize, clock);
  }

  /**
   * Argon2id cost for the passphrase slot of a <em>new</em> store (an existing store keeps the
   * parameters recorded in its slot). The default follows RFC 9106's memory-constrained choice.
   */
  public HsmConfig argon2(Argon2Parameters parameters) {
    return new HsmConfig(
        storePath,
        passphrase,
        passphraseEnvironmentVariable,
        keyFile,
        Objects.requireNonNull(parameters, "parameters"),
        cacheSize,
        clock);
  }

  /** How many unwrapped keys to keep in memory at most; default {@value #DEFAULT_CACHE_SIZE}. */
  public HsmConfig cacheSize(int maxKeys) {
    if (maxKeys < 1) {
      throw new IllegalArgumentException("cacheSize must be at least 1, not " + maxKeys);
    }
    return new HsmConfig(
        storePath, passphrase, passphraseEnvironmentVariable, keyFile, argon2, maxKeys, clock);
  }

  /** The clock used for timestamps; tests inject a fixed or stepping clock. */
  public HsmConfig clock(Clock clock) {
    return new HsmConfig(
        storePath,
        passphrase,
        passphraseEnvironmentVariable,
        keyFile,
        argon2,
        cacheSize,
        Objects.requireNonNull(clock, "clock"));
  }

  private void requireNoCredential(String requested) {
    String existing =
        passphrase != null
            ? "a passphrase"
            : passphraseEnvironmentVariable != null
                ? "a passphrase from environment variable " + passphraseEnvironmentVariable
                : keyFile != null ? "key file " + keyFile : null;
    if (existing != null) {
      throw new IllegalArgumentException(
          "cannot use " + requested + ": this config already unlocks with " + existing);
    }
  }

  /** The SQLite file of the store. */
  public Path storePath() {
    return storePath;
  }

  /** A copy of the passphrase, if one was given directly. */
  public Optional<char[]> passphrase() {
    return Optional.ofNullable(passphrase).map(char[]::clone);
  }

  /** The environment variable holding the passphrase, if configured. */
  public Optional<String> passphraseEnvironmentVariable() {
    return Optional.ofNullable(passphraseEnvironmentVariable);
  }

  /** The key file, if configured. */
  public Optional<Path> keyFile() {
    return Optional.ofNullable(keyFile);
  }

  /** Argon2id parameters for a new store's passphrase slot. */
  public Argon2Parameters argon2() {
    return argon2;
  }

  /** Maximum number of unwrapped keys kept in memory. */
  public int cacheSize() {
    return cacheSize;
  }

  /** The clock for timestamps. */
  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    String credential =
        passphrase != null
            ? "passphrase=<masked>"
            : passphraseEnvironmentVariable != null
                ? "passphraseEnv=" + passphraseEnvironmentVariable
                : keyFile != null ? "keyFile=" + keyFile : "no credential";
    return "HsmConfig[sqlite=" + storePath + ", " + credential + ", cacheSize=" + cacheSize + "]";
  }
}
