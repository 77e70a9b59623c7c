package dev.hsm.cli;

import dev.hsm.HsmClient;
import dev.hsm.UnlockSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hsm store ...}: backups, restores and the master key. */
@Command(
    name = "store",
    mixinStandardHelpOptions = true,
    description = "Backs up and restores the store; rotates its master key.",
    subcommands = {
      StoreCommand.Backup.class,
      StoreCommand.Restore.class,
      StoreCommand.RotateMasterKey.class
    })
final class StoreCommand extends Group {

  @Command(
      name = "backup",
      mixinStandardHelpOptions = true,
      description = "Writes a consistent copy of the store to a new file (admin), mode 0600.")
  static final class Backup extends BaseCommand {
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "FILE", description = "The backup file (new).")
    Path target;

    @Override
    void run(HsmClient hsm) {
      if (Files.exists(target)) {
        throw new CliException(ExitCodes.EXISTS, "a file exists at " + target + " already");
      }
      adminSession(admin, hsm).backup(target);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("backup", target.toString());
      print(result, "backed up to " + target);
    }
  }

  @Command(
      name = "restore",
      mixinStandardHelpOptions = true,
      description = {
        "Restores a backup to --store (or $HSM_STORE), which must not exist, and checks that the"
            + " unlock secret opens it. A failed restore leaves nothing behind."
      })
  static final class Restore implements Callable<Integer> {
    @Mixin StoreOptions store;
    @Mixin OutputOptions output;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BACKUP", description = "The backup file.")
    Path backup;

    @Override
    public Integer call() {
      store.in(Context.of(spec));
      if (!Files.isRegularFile(backup)) {
        throw new CliException(ExitCodes.NOT_FOUND, "no backup file at " + backup);
      }
      if (Files.exists(store.path())) {
        throw new CliException(ExitCodes.EXISTS, "a file exists at " + store.path() + " already");
      }
      try (HsmClient restored =
          HsmClient.restoreBackup(backup, store.config(store.secret(false)))) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("store", store.path().toString());
        result.put("keys", restored.listKeys().size());
        output.print(
            spec.commandLine().getOut(), result, "restored " + backup + " to " + store.path());
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "rotate-master-key",
      mixinStandardHelpOptions = true,
      description = {
        "Replaces the master key and rewraps every key and unlock slot in one transaction"
            + " (admin). Every slot must be resealed: give the secret of each slot besides the one"
            + " that opens the store with --other-key-file and --other-passphrase-file."
      })
  static final class RotateMasterKey extends BaseCommand {
    @Mixin AdminOptions admin;

    @Option(
        names = "--other-key-file",
        paramLabel = "FILE",
        description = "Another slot's key file; repeatable.")
    List<Path> otherKeyFiles = new ArrayList<>();

    @Option(
        names = "--other-passphrase-file",
        paramLabel = "FILE",
        description = "Another slot's passphrase (first line); repeatable.")
    List<Path> otherPassphraseFiles = new ArrayList<>();

    @Override
    void run(HsmClient hsm) {
      List<UnlockSecret> secrets = new ArrayList<>();
      secrets.add(store.secret(false));
      for (Path keyFile : otherKeyFiles) {
        secrets.add(UnlockSecret.keyFile(keyFile));
      }
      for (Path file : otherPassphraseFiles) {
        char[] passphrase = Secrets.fromFile(file, "passphrase");
        try {
          secrets.add(UnlockSecret.passphrase(passphrase));
        } finally {
          Arrays.fill(passphrase, '\0');
        }
      }
      try {
        adminSession(admin, hsm).rotateMasterKey(secrets.toArray(new UnlockSecret[0]));
      } finally {
        secrets.forEach(UnlockSecret::destroy);
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("masterKey", "rotated");
      print(result, "master key rotated; other processes with the store open must reopen it");
    }
  }
}
