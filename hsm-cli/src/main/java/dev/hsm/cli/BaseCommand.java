package dev.hsm.cli;

import dev.hsm.HsmAdmin;
import dev.hsm.HsmClient;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every command on a store has: the store and unlock options, {@code --json} and {@code
 * --verbose}. Subclasses do their work in {@link #run(HsmClient)} on the opened store, which is
 * closed afterwards whatever happens.
 */
abstract class BaseCommand implements Callable<Integer> {
  @Mixin StoreOptions store;
  @Mixin OutputOptions output;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try (HsmClient hsm = store.in(context()).open()) {
      run(hsm);
    }
    return ExitCodes.OK;
  }

  abstract void run(HsmClient hsm) throws Exception;

  /** The run's environment, streams and terminal. */
  Context context() {
    return Context.of(spec);
  }

  /** An admin session on {@code hsm}, with the credential {@code admin} finds. */
  HsmAdmin adminSession(AdminOptions admin, HsmClient hsm) {
    return admin.session(hsm, context());
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  void print(Map<String, ?> result, String human) {
    output.print(out(), result, human);
  }
}
