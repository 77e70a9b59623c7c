package dev.hsm.cli;

import dev.hsm.HsmClient;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hsm admin ...}: the admin credential. */
@Command(
    name = "admin",
    mixinStandardHelpOptions = true,
    description = "Sets or changes the admin credential that administrative acts need.",
    subcommands = {AdminCommand.SetPassphrase.class})
final class AdminCommand extends Group {

  @Command(
      name = "set-passphrase",
      mixinStandardHelpOptions = true,
      description = {
        "Sets or changes the admin credential. The current one (if any) comes from"
            + " --admin-passphrase-file, $HSM_ADMIN_PASSPHRASE or a prompt; the new one from"
            + " --new-admin-passphrase-file, $HSM_NEW_ADMIN_PASSPHRASE or a prompt (asked twice)."
      })
  static final class SetPassphrase extends BaseCommand {
    @Mixin AdminOptions admin;

    @Option(
        names = "--new-admin-passphrase-file",
        paramLabel = "FILE",
        description = "The new admin credential, on this file's first line.")
    Path newPassphraseFile;

    @Override
    void run(HsmClient hsm) {
      var session = adminSession(admin, hsm); // the current credential is checked first
      char[] passphrase =
          newPassphraseFile != null
              ? Secrets.fromFile(newPassphraseFile, "new admin passphrase")
              : Secrets.fromEnv(context(), "HSM_NEW_ADMIN_PASSPHRASE");
      if (passphrase == null) {
        if (!Secrets.canPrompt(context())) {
          throw new CliException(
              ExitCodes.USAGE,
              "no new admin credential: give --new-admin-passphrase-file or set"
                  + " HSM_NEW_ADMIN_PASSPHRASE");
        }
        passphrase = Secrets.prompt(context(), "new admin passphrase", true);
      }
      try {
        session.setAdminPassphrase(passphrase);
      } finally {
        Arrays.fill(passphrase, '\0');
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("adminCredential", "set");
      print(result, "admin credential set");
    }
  }
}
