package dev.hsm.config;

import dev.hsm.HsmConfig;
import java.nio.file.Path;

/**
 * {@code hsm.unlock.*}: exactly one of {@code passphrase}, {@code passphrase-env} and {@code
 * key-file}. {@code toString()} masks the passphrase.
 */
public class UnlockProperties {
  /** The passphrase (stretched with Argon2id). Prefer passphrase-env or key-file outside tests. */
  private String passphrase;

  /** The name of an environment variable holding the passphrase, read when the store opens. */
  private String passphraseEnv;

  /** A file of at least 32 random bytes, readable only by the application. */
  private String keyFile;

  /** {@code hsm.unlock.passphrase}. Prefer {@code passphrase-env} or {@code key-file}. */
  public String getPassphrase() {
    return passphrase;
  }

  /** Sets {@code hsm.unlock.passphrase}. */
  public void setPassphrase(String passphrase) {
    this.passphrase = passphrase;
  }

  /** {@code hsm.unlock.passphrase-env}: the environment variable holding the passphrase. */
  public String getPassphraseEnv() {
    return passphraseEnv;
  }

  /** Sets {@code hsm.unlock.passphrase-env}. */
  public void setPassphraseEnv(String passphraseEnv) {
    this.passphraseEnv = passphraseEnv;
  }

  /** {@code hsm.unlock.key-file}: a file of at least 32 random bytes. */
  public String getKeyFile() {
    return keyFile;
  }

  /** Sets {@code hsm.unlock.key-file}. */
  public void setKeyFile(String keyFile) {
    this.keyFile = keyFile;
  }

  /** {@code config} unlocked with the one secret that is set. */
  HsmConfig applyTo(HsmConfig config) {
    if (passphrase != null) {
      return config.passphrase(passphrase);
    }
    if (passphraseEnv != null) {
      return config.passphraseFromEnv(passphraseEnv);
    }
    return config.keyFile(Path.of(keyFile));
  }

  @Override
  public String toString() {
    return "Unlock[passphrase="
        + (passphrase == null ? "unset" : "<masked>")
        + ", passphraseEnv="
        + passphraseEnv
        + ", keyFile="
        + keyFile
        + "]";
  }
}
