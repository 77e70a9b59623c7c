package dev.hsm.cli;

import dev.hsm.AdminAuthenticationException;
import dev.hsm.HsmAdmin;
import dev.hsm.HsmClient;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Option;

/**
 * The admin credential for administrative acts, once a store has one: from {@code
 * --admin-passphrase-file}, {@code HSM_ADMIN_PASSPHRASE}, or a prompt on a terminal. A store
 * without one needs none.
 */
final class AdminOptions {
  static final String ENV = "HSM_ADMIN_PASSPHRASE";

  @Option(
      names = "--admin-passphrase-file",
      paramLabel = "FILE",
      description = "The admin credential, on this file's first line (else $" + ENV + ").")
  Path adminPassphraseFile;

  /** An admin session: with the given credential, or none if the store has none. */
  HsmAdmin session(HsmClient hsm, Context context) {
    char[] credential =
        adminPassphraseFile != null
            ? Secrets.fromFile(adminPassphraseFile, "admin passphrase")
            : Secrets.fromEnv(context, ENV);
    if (credential == null) {
      try {
        return hsm.admin();
      } catch (AdminAuthenticationException needed) {
        if (!Secrets.canPrompt(context)) {
          throw needed;
        }
        credential = Secrets.prompt(context, "admin passphrase", false);
      }
    }
    try {
      return hsm.admin(credential);
    } finally {
      Arrays.fill(credential, '\0');
    }
  }
}
