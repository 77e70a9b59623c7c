package dev.hsm;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A secret that unlocks a store: a passphrase (stretched with Argon2id), a passphrase held in an
 * environment variable (read when used), or a key file of at least 32 random bytes. Used by {@link
 * HsmConfig} to open a store and by {@link HsmAdmin} to add unlock slots. {@code toString()} masks
 * the passphrase.
 */
public final class UnlockSecret {
  /** The kinds of unlock secret. */
  public enum Kind {
    /** A passphrase, given directly or through an environment variable. */
    PASSPHRASE,
    /** A key file. */
    KEY_FILE
  }

  private final Kind kind;
  private final char[] passphrase;
  private final String environmentVariable;
  private final Path keyFile;
  private final Argon2Parameters argon2;

  private UnlockSecret(
      Kind kind,
      char[] passphrase,
      String environmentVariable,
      Path keyFile,
      Argon2Parameters argon2) {
    this.kind = kind;
    this.passphrase = passphrase;
    this.environmentVariable = environmentVariable;
    this.keyFile = keyFile;
    this.argon2 = argon2;
  }

  /** A passphrase (copied); new slots stretch it with {@link Argon2Parameters#DEFAULT}. */
  public static UnlockSecret passphrase(char[] passphrase) {
    InvalidArgumentException.requireNonNull(passphrase, "passphrase");
    if (passphrase.length == 0) {
      throw new InvalidArgumentException("passphrase must not be empty");
    }
    return new UnlockSecret(
        Kind.PASSPHRASE, passphrase.clone(), null, null, Argon2Parameters.DEFAULT);
  }

  /** A passphrase; new slots stretch it with {@link Argon2Parameters#DEFAULT}. */
  public static UnlockSecret passphrase(String passphrase) {
    InvalidArgumentException.requireNonNull(passphrase, "passphrase");
    return passphrase(passphrase.toCharArray());
  }

  /**
   * The passphrase in environment variable {@code name}, read when the secret is used (a missing or
   * empty variable then fails with {@link UnlockFailedException}).
   */
  public static UnlockSecret passphraseFromEnv(String name) {
    InvalidArgumentException.requireNonNull(name, "name");
    if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
      throw new InvalidArgumentException(
          "the name of an environment variable must be non-empty, without '=' or NUL, not '"
              + name
              + "'");
    }
    return new UnlockSecret(Kind.PASSPHRASE, null, name, null, Argon2Parameters.DEFAULT);
  }

  /** A key file: at least 32 bytes, ideally random, readable only by the application. */
  public static UnlockSecret keyFile(Path keyFile) {
    return new UnlockSecret(
        Kind.KEY_FILE,
        null,
        null,
        InvalidArgumentException.requireNonNull(keyFile, "keyFile"),
        null);
  }

  /** A copy whose new passphrase slots use {@code parameters} (existing slots keep theirs). */
  public UnlockSecret withArgon2(Argon2Parameters parameters) {
    InvalidArgumentException.requireNonNull(parameters, "parameters");
    if (kind != Kind.PASSPHRASE) {
      throw new InvalidArgumentException("Argon2 parameters apply to passphrases, not key files");
    }
    return new UnlockSecret(kind, passphrase, environmentVariable, keyFile, parameters);
  }

  /** The kind of secret. */
  public Kind kind() {
    return kind;
  }

  /** A copy of the passphrase if one was given directly, else {@code null}. */
  public char[] passphrase() {
    return passphrase == null ? null : passphrase.clone();
  }

  /** The environment variable that holds the passphrase, or {@code null}. */
  public String environmentVariable() {
    return environmentVariable;
  }

  /** The key file, or {@code null}. */
  public Path keyFile() {
    return keyFile;
  }

  /** Argon2id cost for new passphrase slots, or {@code null} for a key file. */
  public Argon2Parameters argon2() {
    return argon2;
  }

  /** Overwrites the passphrase held by this object. */
  public void destroy() {
    if (passphrase != null) {
      Arrays.fill(passphrase, '\0');
    }
  }

  /** What the secret is, without the secret: used in messages. */
  public String describe() {
    if (keyFile != null) {
      return "key file " + keyFile;
    }
    return environmentVariable != null
        ? "a passphrase from environment variable " + environmentVariable
        : "a passphrase";
  }

  @Override
  public String toString() {
    return "UnlockSecret["
        + (keyFile != null
            ? "keyFile=" + keyFile
            : environmentVariable != null
                ? "passphraseEnv=" + environmentVariable
                : "passphrase=<masked>")
        + "]";
  }
}
