package dev.hsm.cli;

import dev.hsm.HsmClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsm jws ...}: JWS compact tokens (RFC 7515) of a file or stdin. */
@Command(
    name = "jws",
    mixinStandardHelpOptions = true,
    description = {
      "Signs a file or stdin as a JWS compact token, and checks one. Any JOSE library verifies"
          + " the token with hsm key public NAME --format jwks; the kid names key and version."
    },
    subcommands = {JwsCommand.Sign.class, JwsCommand.Verify.class})
final class JwsCommand extends Group {

  @Command(
      name = "sign",
      mixinStandardHelpOptions = true,
      description = "Prints the JWS of the payload (a file, or - for stdin) on stdout.")
  static final class Sign extends BaseCommand {
    @Option(names = "--key", required = true, paramLabel = "NAME", description = "The signing key.")
    String keyName;

    @Parameters(
        index = "0",
        paramLabel = "PAYLOAD",
        defaultValue = "-",
        description = "A file, or - for stdin (default).")
    Path payload;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the token here (new file).")
    Path outFile;

    @Override
    void run(HsmClient hsm) throws Exception {
      if (outFile != null) {
        Io.checkNew(outFile);
      }
      String jws = hsm.key(keyName).signJws(Io.readAll(context(), payload));
      if (outFile != null) {
        Io.writeNew(context(), outFile, (jws + "\n").getBytes(StandardCharsets.US_ASCII));
      } else {
        out().println(jws);
        out().flush();
      }
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Checks a JWS this store's key made (a file, or - for stdin) and prints its payload;"
            + " exits 6 if it does not verify."
      })
  static final class Verify extends BaseCommand {
    @Option(names = "--key", required = true, paramLabel = "NAME", description = "The key.")
    String keyName;

    @Parameters(
        index = "0",
        paramLabel = "TOKEN",
        defaultValue = "-",
        description = "A file, or - for stdin (default).")
    Path token;

    @Override
    void run(HsmClient hsm) throws Exception {
      String jws = new String(Io.readAll(context(), token), StandardCharsets.US_ASCII).trim();
      byte[] payload = hsm.key(keyName).verifyJws(jws);
      context().out().write(payload);
      context().out().flush();
    }
  }
}
