package dev.hsm.cli;

import dev.hsm.HsmClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsm pgp ...}: OpenPGP detached signatures that gpg checks, and the key gpg imports. */
@Command(
    name = "pgp",
    mixinStandardHelpOptions = true,
    description = {
      "OpenPGP for package and Maven Central signing without a private key file: the key's"
          + " OpenPGP public key (gpg --import) and detached .asc signatures (gpg --verify).",
      "The key must be ECDSA, Ed25519 or RSA PKCS#1, made with --operations SIGN_STANDARD."
    },
    subcommands = {PgpCommand.PublicKey.class, PgpCommand.Sign.class})
final class PgpCommand extends Group {

  @Command(
      name = "public-key",
      mixinStandardHelpOptions = true,
      description =
          "Prints the key's OpenPGP public key, self-certified for the user ID, armoured.")
  static final class PublicKey extends BaseCommand {
    @Option(names = "--key", required = true, paramLabel = "NAME", description = "The signing key.")
    String keyName;

    @Option(
        names = "--user-id",
        paramLabel = "UID",
        description =
            "The user ID, e.g. 'Example Releases <releases@example.org>' (default: the key name).")
    String userId;

    @Option(
        names = "--out",
        paramLabel = "FILE",
        description = "Write here (new file), not stdout.")
    Path outFile;

    @Override
    void run(HsmClient hsm) throws Exception {
      if (outFile != null) {
        Io.checkNew(outFile);
      }
      OpenPgp pgp = new OpenPgp(hsm.key(keyName));
      byte[] armored = pgp.armoredPublicKey(userId != null ? userId : keyName);
      if (outFile == null) {
        context().out().write(armored);
        context().out().flush();
        return;
      }
      Io.writeNew(context(), outFile, armored);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("key", keyName);
      result.put("version", pgp.version());
      result.put("fingerprint", pgp.fingerprint());
      result.put("file", outFile.toString());
      print(result, "OpenPGP public key " + pgp.fingerprint() + " written to " + outFile);
    }
  }

  @Command(
      name = "sign",
      mixinStandardHelpOptions = true,
      description = {
        "Makes a detached, armoured OpenPGP signature of a file (FILE.asc), streamed; check it"
            + " with: gpg --verify FILE.asc FILE"
      })
  static final class Sign extends BaseCommand {
    @Option(names = "--key", required = true, paramLabel = "NAME", description = "The signing key.")
    String keyName;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to sign.")
    Path file;

    @Option(
        names = "--out",
        paramLabel = "FILE",
        description = "The signature (default: FILE.asc).")
    Path outFile;

    @Override
    void run(HsmClient hsm) throws Exception {
      Path target = outFile != null ? outFile : file.resolveSibling(file.getFileName() + ".asc");
      Io.checkNew(target);
      OpenPgp pgp = new OpenPgp(hsm.key(keyName));
      PGPSignatureGenerator generator = pgp.detachedSigner();
      long size = Files.size(file);
      Progress progress = new Progress(err(), context(), "signing " + file, size, output.json);
      byte[] buffer = new byte[Io.CHUNK];
      try (InputStream in = Io.open(context(), file)) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          generator.update(buffer, 0, n);
          progress.advance(n);
        }
      }
      PGPSignature signature = generator.generate();
      progress.finish();
      Io.writeNew(context(), target, OpenPgp.armored(signature));
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("file", file.toString());
      result.put("key", keyName);
      result.put("version", pgp.version());
      result.put("fingerprint", pgp.fingerprint());
      result.put("signature", target.toString());
      print(result, "signed " + file + " (OpenPGP, key " + pgp.fingerprint() + "): " + target);
    }
  }
}
