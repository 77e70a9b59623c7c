package dev.hsm.cli;

import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsm encrypt}: envelope encryption of a file, streamed. */
@Command(
    name = "encrypt",
    mixinStandardHelpOptions = true,
    description = {
      "Encrypts a file with a fresh data key that the HSM key encrypts (an AES-256-GCM or ML-KEM"
          + " key allowing ENCRYPT). Streamed in 64 KiB chunks, each authenticated; the format is"
          + " in docs/FORMATS.md, \"Encrypted files\". Output: FILE.hsmenc (new)."
    })
final class EncryptCommand extends BaseCommand {
  @Option(names = "--key", required = true, paramLabel = "NAME", description = "The HSM key.")
  String keyName;

  @Parameters(index = "0", paramLabel = "FILE", description = "The file to encrypt.")
  Path file;

  @Option(names = "--out", paramLabel = "FILE", description = "The output (default: FILE.hsmenc).")
  Path outFile;

  @Option(
      names = "--context",
      paramLabel = "TEXT",
      description =
          "Context that decryption must give again (not secret; e.g. the file's purpose).")
  String context;

  @Override
  void run(HsmClient hsm) throws Exception {
    Path target = outFile != null ? outFile : file.resolveSibling(file.getFileName() + ".hsmenc");
    Io.checkNew(target);
    KeyHandle key = hsm.key(keyName);
    long size = Files.size(file);
    Progress progress = new Progress(err(), context(), "encrypting " + file, size, output.json);
    long total;
    try (InputStream in = Io.open(context(), file);
        Io.NewFile out = new Io.NewFile(target)) {
      total = FileEnvelope.encrypt(key, FileEnvelope.context(context), in, out.stream(), progress);
      out.commit();
    }
    progress.finish();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("file", file.toString());
    result.put("bytes", total);
    result.put("key", keyName);
    result.put("encrypted", target.toString());
    print(result, "encrypted " + file + " with key " + keyName + ": " + target);
  }
}
