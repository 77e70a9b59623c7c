package dev.hsm.cli;

import dev.hsm.HsmClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsm decrypt}: the inverse of {@code hsm encrypt}; writes nothing unless all verifies. */
@Command(
    name = "decrypt",
    mixinStandardHelpOptions = true,
    description = {
      "Decrypts a file made by hsm encrypt. Every chunk is authenticated; the output appears only"
          + " once the whole file decrypted (exit 6 and no output if anything was changed, cut off"
          + " or reordered). Output: FILE without .hsmenc, or --out (new)."
    })
final class DecryptCommand extends BaseCommand {
  @Option(
      names = "--key",
      paramLabel = "NAME",
      description = "The HSM key (default: the one the file names).")
  String keyName;

  @Parameters(index = "0", paramLabel = "FILE", description = "The encrypted file.")
  Path file;

  @Option(names = "--out", paramLabel = "FILE", description = "The output file (new).")
  Path outFile;

  @Option(names = "--context", paramLabel = "TEXT", description = "The context given to encrypt.")
  String context;

  @Override
  void run(HsmClient hsm) throws Exception {
    Path target = outFile != null ? outFile : defaultOut();
    Io.checkNew(target);
    String name = keyName;
    if (name == null) {
      try (InputStream in = Io.open(context(), file)) {
        name = FileEnvelope.keyName(in);
      }
    }
    var key = hsm.key(name);
    Progress progress =
        new Progress(err(), context(), "decrypting " + file, Files.size(file), output.json);
    long total;
    try (InputStream in = Io.open(context(), file);
        Io.NewFile out = new Io.NewFile(target)) {
      total = FileEnvelope.decrypt(key, FileEnvelope.context(context), in, out.stream(), progress);
      out.commit();
    }
    progress.finish();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("file", file.toString());
    result.put("bytes", total);
    result.put("key", name);
    result.put("decrypted", target.toString());
    print(result, "decrypted " + file + ": " + target);
  }

  private Path defaultOut() {
    String name = file.getFileName().toString();
    if (!name.endsWith(".hsmenc") || name.length() == ".hsmenc".length()) {
      throw new CliException(ExitCodes.USAGE, "give --out: " + file + " does not end in .hsmenc");
    }
    return file.resolveSibling(name.substring(0, name.length() - ".hsmenc".length()));
  }
}
