package dev.hsm.cli;

import dev.hsm.Argon2Parameters;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.UnlockSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Option;

/**
 * Which store, and what unlocks it. The unlock secret is, in this order: a key file ({@code
 * --key-file} or {@code HSM_KEY_FILE}), a passphrase file ({@code --passphrase-file}), the
 * environment variable {@code --passphrase-env} names ({@code HSM_PASSPHRASE}), or a prompt on a
 * terminal. Never an argument: a process list would show it.
 */
final class StoreOptions {
  @Option(
      names = "--store",
      paramLabel = "FILE",
      description = "The store file (default: $HSM_STORE).")
  Path store;

  @Option(
      names = "--key-file",
      paramLabel = "FILE",
      description = "Unlock with this key file (default: $HSM_KEY_FILE).")
  Path keyFile;

  @Option(
      names = "--passphrase-file",
      paramLabel = "FILE",
      description = "Unlock with the passphrase on this file's first line.")
  Path passphraseFile;

  @Option(
      names = "--passphrase-env",
      paramLabel = "NAME",
      defaultValue = "HSM_PASSPHRASE",
      description =
          "Unlock with the passphrase in this environment variable (default: ${DEFAULT-VALUE}).")
  String passphraseEnv;

  private Context context;

  /**
   * Takes what the options leave open from the run's environment ({@code HSM_STORE}, {@code
   * HSM_KEY_FILE}, the passphrase variable); called once before any other method.
   */
  StoreOptions in(Context context) {
    this.context = context;
    if (store == null && context.env("HSM_STORE") != null) {
      store = context.path(context.env("HSM_STORE"));
    }
    if (keyFile == null && context.env("HSM_KEY_FILE") != null) {
      keyFile = context.path(context.env("HSM_KEY_FILE"));
    }
    return this;
  }

  /** The store path, or a usage error saying how to give one. */
  Path path() {
    if (store == null) {
      throw new CliException(ExitCodes.USAGE, "no store given: set HSM_STORE or pass --store FILE");
    }
    return store;
  }

  /** The unlock secret, or a usage error saying how to give one. */
  UnlockSecret secret(boolean confirmPrompt) {
    if (keyFile != null) {
      if (passphraseFile != null) {
        throw new CliException(
            ExitCodes.USAGE,
            "both a key file (--key-file or HSM_KEY_FILE) and --passphrase-file: give one");
      }
      if (!Files.isRegularFile(keyFile)) {
        throw new CliException(ExitCodes.NOT_FOUND, "no key file at " + keyFile);
      }
      return UnlockSecret.keyFile(keyFile);
    }
    if (passphraseFile != null) {
      return passphrase(Secrets.fromFile(passphraseFile, "passphrase"));
    }
    char[] fromEnv = Secrets.fromEnv(context, passphraseEnv);
    if (fromEnv != null) {
      return passphrase(fromEnv);
    }
    if (Secrets.canPrompt(context)) {
      return passphrase(Secrets.prompt(context, "passphrase of " + path(), confirmPrompt));
    }
    throw new CliException(
        ExitCodes.USAGE,
        "no unlock secret for "
            + path()
            + ": set "
            + passphraseEnv
            + ", or give a key file with --key-file or HSM_KEY_FILE");
  }

  private static UnlockSecret passphrase(char[] chars) {
    try {
      return UnlockSecret.passphrase(chars);
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  /** The config for this store and secret. */
  HsmConfig config(UnlockSecret secret) {
    return HsmConfig.sqlite(path()).unlockWith(secret);
  }

  /** Opens the existing store; refuses to create one (a mistyped path must not make a store). */
  HsmClient open() {
    Path path = path();
    if (!Files.exists(path)) {
      throw new CliException(
          ExitCodes.NOT_FOUND,
          "no store at " + path + ": check HSM_STORE or --store, or create one with hsm init");
    }
    return HsmClient.open(config(secret(false)));
  }

  /** Creates the store, which must not exist yet. */
  HsmClient create(Argon2Parameters argon2) {
    Path path = path();
    if (Files.exists(path)) {
      throw new CliException(ExitCodes.EXISTS, "a file exists at " + path + " already");
    }
    UnlockSecret secret = secret(true);
    if (argon2 != null && secret.kind() == UnlockSecret.Kind.PASSPHRASE) {
      secret = secret.withArgon2(argon2);
    }
    return HsmClient.open(config(secret));
  }
}
