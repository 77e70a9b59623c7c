package dev.hsm.cli;

import dev.hsm.Argon2Parameters;
import dev.hsm.HsmClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hsm init}: creates a store, unlocked by the given secret. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Creates a new store at --store (or $HSM_STORE), unlocked by a key file or passphrase"
          + " (asked twice on a terminal). Refuses a path that exists.",
      "A key file is 32 random bytes or more: head -c 32 /dev/urandom > hsm.key"
    })
final class InitCommand implements Callable<Integer> {
  @Mixin StoreOptions store;
  @Mixin OutputOptions output;
  @Spec CommandSpec spec;

  @Option(
      names = "--argon2-memory-kib",
      paramLabel = "KIB",
      description = "Argon2id memory for a passphrase slot, in KiB (default: the library's).")
  Integer argon2MemoryKib;

  @Option(
      names = "--argon2-iterations",
      paramLabel = "N",
      description = "Argon2id iterations for a passphrase slot (default: the library's).")
  Integer argon2Iterations;

  @Override
  public Integer call() {
    Argon2Parameters argon2 = null;
    if (argon2MemoryKib != null || argon2Iterations != null) {
      Argon2Parameters defaults = Argon2Parameters.DEFAULT;
      argon2 =
          new Argon2Parameters(
              argon2MemoryKib != null ? argon2MemoryKib : defaults.memoryKib(),
              argon2Iterations != null ? argon2Iterations : defaults.iterations(),
              defaults.parallelism());
    }
    store.in(Context.of(spec));
    try (HsmClient hsm = store.create(argon2)) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("store", store.path().toString());
      result.put("created", true);
      output.print(spec.commandLine().getOut(), result, "created store " + store.path());
    }
    return ExitCodes.OK;
  }
}
