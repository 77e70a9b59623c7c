package dev.hsm.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code hsm} command: operator commands on a key store, and signing and encryption for CI/CD
 * pipelines (docs/CLI.md). Every command takes the store from {@code --store} or {@code HSM_STORE}
 * and its unlock secret from the environment, a key file or a prompt, never from an argument.
 */
@Command(
    name = "hsm",
    mixinStandardHelpOptions = true,
    versionProvider = Hsm.Version.class,
    description = {
      "Operator commands and CI/CD signing for the embedded software HSM.",
      "",
      "The store comes from --store or HSM_STORE; its unlock secret from HSM_PASSPHRASE, a"
          + " passphrase file (--passphrase-file), a key file (--key-file or HSM_KEY_FILE) or,"
          + " on a terminal, a prompt. Secrets are never taken as arguments, which a process"
          + " list would show."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:unexpected failure (run again with --verbose for details)",
      "2:wrong use: unknown command or option, missing argument, no store or unlock secret",
      "3:wrong passphrase or key file, or wrong admin credential (nothing changed)",
      "4:no such key, key version, certificate, store or input file",
      "5:refused by the key's policy or state (audited; nothing changed)",
      "6:a signature, JWS or ciphertext does not verify, an integrity check failed, or a"
          + " certificate chain does not fit its key version",
      "7:already exists: a key, a store or an output file",
      "8:the store file cannot be used"
    },
    subcommands = {
      InitCommand.class,
      KeyCommand.class,
      SlotCommand.class,
      AdminCommand.class,
      StoreCommand.class,
      AuditCommand.class,
      SignCommand.class,
      JwsCommand.class,
      PgpCommand.class,
      JarCommand.class,
      CertCommand.class,
      EncryptCommand.class,
      DecryptCommand.class,
      AutoComplete.GenerateCompletion.class
    })
public final class Hsm implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Context context;

  private Hsm(Context context) {
    this.context = context;
  }

  /** Runs the command line on this process's environment, streams and terminal, and exits. */
  public static void main(String[] args) {
    System.exit(
        run(
            args,
            new Context(
                null, System.getenv(), System.in, System.out, System.err, System.console())));
  }

  /**
   * Runs the command line inside this JVM, as {@link #main} does in a process of its own, and
   * returns its exit code instead of exiting: with {@code env} for its environment variables
   * ({@code HSM_STORE}, {@code HSM_PASSPHRASE}...; this JVM's own are not read), {@code in} for
   * stdin and {@code out} and {@code err} for stdout and stderr. There is no terminal, so nothing
   * is prompted for. Relative paths in {@code args} are relative to this JVM's working directory.
   *
   * @return the exit code (docs/CLI.md, "Exit codes"; {@code hsm --help})
   */
  public static int run(
      String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
    return run(args, new Context(null, env, in, out, err, null));
  }

  /**
   * {@link #run(String[], Map, InputStream, PrintStream, PrintStream)} with relative paths (in
   * {@code args}, {@code HSM_STORE} and {@code HSM_KEY_FILE}) relative to {@code directory}, as if
   * the command ran there: for a caller whose working directory is not the JVM's (a build plugin in
   * a project's directory). The command's messages then name those files by absolute path.
   */
  public static int run(
      Path directory,
      String[] args,
      Map<String, String> env,
      InputStream in,
      PrintStream out,
      PrintStream err) {
    return run(args, new Context(directory.toAbsolutePath(), env, in, out, err, null));
  }

  static int run(String[] args, Context context) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    CommandLine commandLine = new CommandLine(new Hsm(context));
    commandLine.registerConverter(Path.class, context::path);
    commandLine.setOut(new PrintWriter(context.out(), true));
    commandLine.setErr(new PrintWriter(context.err(), true));
    commandLine.setExecutionExceptionHandler(
        (failure, command, parsed) -> {
          report(command, failure, verbose);
          return ExitCodes.of(failure);
        });
    commandLine.setParameterExceptionHandler(
        (failure, args2) -> {
          CommandLine command = failure.getCommandLine();
          PrintWriter err = command.getErr();
          err.println(command.getCommandSpec().qualifiedName() + ": " + failure.getMessage());
          err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help'.");
          return ExitCodes.USAGE;
        });
    try {
      return commandLine.execute(args);
    } finally {
      commandLine.getOut().flush();
      commandLine.getErr().flush();
      context.out().flush();
      context.err().flush();
    }
  }

  Context context() {
    return context;
  }

  /** One line on stderr: which command failed, why, and what to do; a stack trace if asked. */
  private static void report(CommandLine command, Exception failure, boolean verbose) {
    PrintWriter err = command.getErr();
    String advice = ExitCodes.advice(failure);
    err.println(
        command.getCommandSpec().qualifiedName()
            + ": "
            + ExitCodes.message(failure)
            + (advice.isEmpty() ? "" : " (" + advice + ")"));
    if (verbose) {
      failure.printStackTrace(err);
    }
    err.flush();
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is needed: init, key, sign, jws, pgp, jar, cert, ...");
  }

  /** The version of hsm-core in the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Hsm.class.getPackage().getImplementationVersion();
      return new String[] {"hsm " + (version == null ? "(development build)" : version)};
    }
  }
}
