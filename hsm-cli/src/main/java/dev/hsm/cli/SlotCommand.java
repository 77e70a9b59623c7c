package dev.hsm.cli;

import dev.hsm.HsmClient;
import dev.hsm.UnlockSecret;
import dev.hsm.UnlockSlotInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hsm slot ...}: the store's unlock slots. To change a passphrase, add the new one, then
 * remove the old; to revoke a secret also against old copies, rotate the master key too.
 */
@Command(
    name = "slot",
    mixinStandardHelpOptions = true,
    description = "Lists, adds and removes unlock slots (admin).",
    subcommands = {SlotCommand.ListSlots.class, SlotCommand.Add.class, SlotCommand.Remove.class})
final class SlotCommand extends Group {

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the unlock slots.")
  static final class ListSlots extends BaseCommand {
    @Mixin AdminOptions admin;

    @Override
    void run(HsmClient hsm) {
      List<UnlockSlotInfo> slots = adminSession(admin, hsm).unlockSlots();
      Map<String, Object> result = new LinkedHashMap<>();
      result.put(
          "slots",
          slots.stream()
              .map(
                  s -> {
                    Map<String, Object> slot = new LinkedHashMap<>();
                    slot.put("id", s.id());
                    slot.put("kind", s.kind().name());
                    slot.put("createdAt", s.createdAt().toString());
                    return slot;
                  })
              .collect(Collectors.toList()));
      print(
          result,
          slots.stream()
              .map(s -> s.id() + " " + s.kind() + " created " + s.createdAt())
              .collect(Collectors.joining("\n")));
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Adds an unlock slot for a new key file or passphrase: --new-key-file, or a passphrase"
            + " from --new-passphrase-file, $HSM_NEW_PASSPHRASE or a prompt (asked twice)."
      })
  static final class Add extends BaseCommand {
    @Mixin AdminOptions admin;

    @Option(names = "--new-key-file", paramLabel = "FILE", description = "The new key file.")
    Path newKeyFile;

    @Option(
        names = "--new-passphrase-file",
        paramLabel = "FILE",
        description = "The new passphrase, on this file's first line.")
    Path newPassphraseFile;

    @Override
    void run(HsmClient hsm) {
      UnlockSecret secret;
      if (newKeyFile != null) {
        if (!Files.isRegularFile(newKeyFile)) {
          throw new CliException(ExitCodes.NOT_FOUND, "no key file at " + newKeyFile);
        }
        secret = UnlockSecret.keyFile(newKeyFile);
      } else {
        char[] passphrase =
            newPassphraseFile != null
                ? Secrets.fromFile(newPassphraseFile, "new passphrase")
                : Secrets.fromEnv(context(), "HSM_NEW_PASSPHRASE");
        if (passphrase == null) {
          if (!Secrets.canPrompt(context())) {
            throw new CliException(
                ExitCodes.USAGE,
                "no new secret: give --new-key-file or --new-passphrase-file, or set"
                    + " HSM_NEW_PASSPHRASE");
          }
          passphrase = Secrets.prompt(context(), "new passphrase", true);
        }
        try {
          secret = UnlockSecret.passphrase(passphrase);
        } finally {
          Arrays.fill(passphrase, '\0');
        }
      }
      long id = adminSession(admin, hsm).addUnlockSlot(secret);
      secret.destroy();
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("id", id);
      result.put("kind", secret.kind().name());
      print(result, "added unlock slot " + id);
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Removes an unlock slot (not the last one).")
  static final class Remove extends BaseCommand {
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "ID", description = "The slot's id (hsm slot list).")
    long id;

    @Override
    void run(HsmClient hsm) {
      adminSession(admin, hsm).removeUnlockSlot(id);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("removed", id);
      print(result, "removed unlock slot " + id);
    }
  }
}
