package dev.hsm.cli;

import dev.hsm.Algorithm;
import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.StandardSigner;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hsm sign}: a detached standard signature of a file, streamed, that {@code openssl} checks
 * with the key's public PEM. Needs a key made with {@code --operations SIGN_STANDARD}.
 */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description = {
      "Signs a file (or stdin, -) with a detached standard signature that openssl checks with the"
          + " key's public PEM (hsm key public NAME), e.g.:",
      "  openssl dgst -sha256 -verify release.pem -signature app.tar.gz.sig app.tar.gz",
      "The key must be made for it: hsm key create NAME --algorithm ECDSA_P256_SHA256"
          + " --operations SIGN_STANDARD. ECDSA and RSA keys stream files of any size in constant"
          + " memory; Ed25519 signs up to 256 MiB.",
      "Output: FILE.sig (DER; --encoding base64 for text), which must not exist yet."
    })
final class SignCommand extends BaseCommand {
  enum Encoding {
    der,
    base64,
    p1363
  }

  @Parameters(index = "0", paramLabel = "FILE", description = "The file to sign, or - for stdin.")
  Path file;

  @Option(names = "--key", required = true, paramLabel = "NAME", description = "The signing key.")
  String keyName;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "The signature file (default: FILE.sig; - for stdout).")
  Path outFile;

  @Option(
      names = "--encoding",
      defaultValue = "der",
      description =
          "der: what openssl and the JDK take; base64: the same as text; p1363: ECDSA's r||s, as"
              + " JWS and PKCS#11 use (default: ${DEFAULT-VALUE}).")
  Encoding encoding;

  @Override
  void run(HsmClient hsm) throws Exception {
    Path target = outFile != null ? outFile : defaultOut();
    Io.checkNew(target);
    KeyHandle key = hsm.key(keyName);
    Algorithm algorithm = key.info().algorithm();
    long size = Io.isStdio(file) ? -1 : Files.size(file);
    if (Signatures.holdsMessage(algorithm) && size > Signatures.MAX_IN_MEMORY) {
      throw new CliException(
          ExitCodes.USAGE,
          "key '"
              + keyName
              + "' is "
              + algorithm
              + ", which signs the whole message, not its hash: files up to 256 MiB; sign larger"
              + " files with an ECDSA or RSA key");
    }
    StandardSigner signer = key.standardSigner(); // refuses a key not made for it, before reading
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    Progress progress = new Progress(err(), context(), "signing " + file, size, output.json);
    byte[] buffer = new byte[Io.CHUNK];
    long total = 0;
    try (InputStream in = Io.open(context(), file)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        signer.update(buffer, 0, n);
        sha256.update(buffer, 0, n);
        total += n;
        progress.advance(n);
        if (Signatures.holdsMessage(algorithm) && total > Signatures.MAX_IN_MEMORY) {
          throw new CliException(
              ExitCodes.USAGE, "the input is larger than " + algorithm + " keys sign (256 MiB)");
        }
      }
    }
    byte[] signature = signer.sign();
    progress.finish();
    byte[] encoded =
        encoding != Encoding.p1363 && Signatures.isEcdsa(algorithm)
            ? Signatures.p1363ToDer(signature)
            : signature;
    if (encoding == Encoding.base64) {
      encoded =
          (Base64.getEncoder().encodeToString(encoded) + "\n").getBytes(StandardCharsets.US_ASCII);
    }
    Io.writeNew(context(), target, encoded);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("file", file.toString());
    result.put("bytes", total);
    result.put("sha256", HexFormat.of().formatHex(sha256.digest()));
    result.put("key", keyName);
    result.put("version", signer.version());
    result.put("algorithm", algorithm.name());
    result.put("signature", target.toString());
    result.put("encoding", encoding.name());
    String check =
        encoding == Encoding.der
            ? Signatures.opensslCommand(
                algorithm, keyName + ".pem", file.toString(), target.toString())
            : "";
    if (!check.isEmpty()) {
      result.put("opensslVerify", check);
    }
    if (!Io.isStdio(target)) {
      print(
          result,
          "signed "
              + file
              + " with key "
              + keyName
              + " version "
              + signer.version()
              + ": "
              + target
              + (check.isEmpty() ? "" : "\ncheck it with: " + check));
    }
  }

  private Path defaultOut() {
    if (Io.isStdio(file)) {
      return Path.of("-");
    }
    return file.resolveSibling(file.getFileName() + ".sig");
  }
}
