package dev.hsm.cli;

import dev.hsm.Algorithm;
import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.KeyState;
import dev.hsm.KeyVersionInfo;
import dev.hsm.Operation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsm key ...}: the key lifecycle, policies, public keys, and export between stores. */
@Command(
    name = "key",
    mixinStandardHelpOptions = true,
    description = "Creates, lists, rotates, disables and destroys keys; exports public keys.",
    subcommands = {
      KeyCommand.Create.class,
      KeyCommand.ListKeys.class,
      KeyCommand.Show.class,
      KeyCommand.Rotate.class,
      KeyCommand.Disable.class,
      KeyCommand.Enable.class,
      KeyCommand.ScheduleDestruction.class,
      KeyCommand.CancelDestruction.class,
      KeyCommand.SetPolicy.class,
      KeyCommand.PublicKey.class,
      KeyCommand.ImportPublic.class,
      KeyCommand.Export.class,
      KeyCommand.Import.class
    })
final class KeyCommand extends Group {

  /** Prints the key's metadata after a change. */
  abstract static class OnKey extends BaseCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The key's name.")
    String name;

    void printKey(HsmClient hsm, String done) {
      KeyInfo info = hsm.key(name).info();
      print(Describe.key(info), done);
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Generates a key inside the store.",
        "For files that openssl or gpg check (hsm sign, hsm pgp), make a key with"
            + " --operations SIGN_STANDARD: such a key signs any data in standard form and does"
            + " nothing else. Keys for JWS (hsm jws) keep the default SIGN,VERIFY."
      })
  static final class Create extends OnKey {
    @Option(
        names = "--algorithm",
        required = true,
        paramLabel = "ALG",
        description = "One of: ${COMPLETION-CANDIDATES}.")
    Algorithm algorithm;

    @Option(
        names = "--rsa-bits",
        paramLabel = "BITS",
        defaultValue = "3072",
        description = "RSA modulus size: 2048, 3072 or 4096 (default: ${DEFAULT-VALUE}).")
    int rsaBits;

    @Option(
        names = "--operations",
        split = ",",
        paramLabel = "OP",
        description =
            "Allowed operations (default: all but SIGN_STANDARD): ${COMPLETION-CANDIDATES}.")
    List<Operation> operations;

    @Option(names = "--extractable", description = "Allow export to another store.")
    boolean extractable;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label; repeatable.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(
        names = "--rotation-period",
        paramLabel = "DURATION",
        converter = Durations.class,
        description = "Rotate automatically this often: 90d, 12h, P90D.")
    Duration rotationPeriod;

    @Override
    void run(HsmClient hsm) {
      KeySpec spec = algorithm.isRsa() ? KeySpec.rsa(algorithm, rsaBits) : KeySpec.of(algorithm);
      if (operations != null && !operations.isEmpty()) {
        spec =
            spec.withOperations(
                operations.get(0),
                operations.subList(1, operations.size()).toArray(new Operation[0]));
      }
      spec = spec.withExtractable(extractable);
      for (Map.Entry<String, String> label : labels.entrySet()) {
        spec = spec.withLabel(label.getKey(), label.getValue());
      }
      if (rotationPeriod != null) {
        spec = spec.withRotationPeriod(rotationPeriod);
      }
      hsm.createKey(name, spec);
      printKey(hsm, "created key " + name);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the store's keys.")
  static final class ListKeys extends BaseCommand {
    @Override
    void run(HsmClient hsm) {
      List<KeyInfo> keys = hsm.listKeys();
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("keys", keys.stream().map(Describe::key).collect(Collectors.toList()));
      print(result, keys.stream().map(Describe::line).collect(Collectors.joining("\n")));
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Shows a key's metadata and versions (never its material).")
  static final class Show extends OnKey {
    @Override
    void run(HsmClient hsm) {
      KeyInfo info = hsm.key(name).info();
      print(Describe.key(info), Describe.text(info));
    }
  }

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = "Adds a new primary version; older enabled versions still verify and decrypt.")
  static final class Rotate extends OnKey {
    @Override
    void run(HsmClient hsm) {
      int version = hsm.key(name).rotate();
      printKey(hsm, "key " + name + " rotated: version " + version + " is primary");
    }
  }

  @Command(
      name = "disable",
      description = "Disables the whole key, or one version (reversible with enable).")
  static final class Disable extends OnKey {
    @Mixin HelpOption help;

    @Option(names = "--version", paramLabel = "N", description = "Only this version.")
    Integer version;

    @Override
    void run(HsmClient hsm) {
      KeyHandle key = hsm.key(name);
      if (version == null) {
        key.disable();
      } else {
        key.disableVersion(version);
      }
      printKey(hsm, "key " + name + (version == null ? "" : " version " + version) + " disabled");
    }
  }

  @Command(name = "enable", description = "Enables a disabled key, or one disabled version.")
  static final class Enable extends OnKey {
    @Mixin HelpOption help;

    @Option(names = "--version", paramLabel = "N", description = "Only this version.")
    Integer version;

    @Override
    void run(HsmClient hsm) {
      KeyHandle key = hsm.key(name);
      if (version == null) {
        key.enable();
      } else {
        key.enableVersion(version);
      }
      printKey(hsm, "key " + name + (version == null ? "" : " version " + version) + " enabled");
    }
  }

  @Command(
      name = "schedule-destruction",
      description =
          "Schedules a version for destruction after a waiting period (admin); until then it is"
              + " unusable and cancel-destruction brings it back.")
  static final class ScheduleDestruction extends OnKey {
    @Mixin HelpOption help;

    @Mixin AdminOptions admin;

    @Option(names = "--version", required = true, paramLabel = "N", description = "The version.")
    int version;

    @Option(
        names = "--waiting-period",
        paramLabel = "DURATION",
        converter = Durations.class,
        defaultValue = "30d",
        description = "At least one day (default: ${DEFAULT-VALUE}).")
    Duration waitingPeriod;

    @Override
    void run(HsmClient hsm) {
      adminSession(admin, hsm).scheduleDestruction(name, version, waitingPeriod);
      printKey(hsm, "key " + name + " version " + version + " scheduled for destruction");
    }
  }

  @Command(
      name = "cancel-destruction",
      description = "Cancels a scheduled destruction (admin); the version becomes disabled.")
  static final class CancelDestruction extends OnKey {
    @Mixin HelpOption help;

    @Mixin AdminOptions admin;

    @Option(names = "--version", required = true, paramLabel = "N", description = "The version.")
    int version;

    @Override
    void run(HsmClient hsm) {
      adminSession(admin, hsm).cancelDestruction(name, version);
      printKey(hsm, "key " + name + " version " + version + " no longer scheduled (disabled)");
    }
  }

  @Command(
      name = "set-policy",
      mixinStandardHelpOptions = true,
      description = "Sets a key's rotation period or minimum decryption version (admin).")
  static final class SetPolicy extends OnKey {
    @Mixin AdminOptions admin;

    @Option(
        names = "--rotation-period",
        paramLabel = "DURATION",
        converter = Durations.class,
        description = "90d, 12h, P90D; 0 turns automatic rotation off.")
    Duration rotationPeriod;

    @Option(
        names = "--min-decryption-version",
        paramLabel = "N",
        description = "Refuse versions below N for decryption and verification.")
    Integer minDecryptionVersion;

    @Override
    void run(HsmClient hsm) {
      if (rotationPeriod == null && minDecryptionVersion == null) {
        throw new CliException(
            ExitCodes.USAGE, "nothing to set: give --rotation-period or --min-decryption-version");
      }
      hsm.key(name); // a missing key fails before the admin credential is asked for
      var session = adminSession(admin, hsm);
      if (rotationPeriod != null) {
        session.setRotationPeriod(name, rotationPeriod);
      }
      if (minDecryptionVersion != null) {
        session.setMinDecryptionVersion(name, minDecryptionVersion);
      }
      printKey(hsm, "key " + name + " policy set");
    }
  }

  @Command(
      name = "public",
      description = {
        "Prints a key's public key: PEM (SubjectPublicKeyInfo, what openssl takes), a JWK, or a"
            + " JWK set of every enabled version (what JOSE verifiers take).",
        "The OpenPGP public key is printed by hsm pgp public-key."
      })
  static final class PublicKey extends OnKey {
    @Mixin HelpOption help;

    enum Format {
      pem,
      jwk,
      jwks
    }

    @Option(
        names = "--format",
        defaultValue = "pem",
        description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--version", paramLabel = "N", description = "This version, not the primary.")
    Integer version;

    @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of stdout.")
    Path outFile;

    @Override
    void run(HsmClient hsm) throws Exception {
      KeyHandle key = hsm.key(name);
      String text;
      switch (format) {
        case jwk:
          text = version == null ? key.publicJwk() : key.publicJwk(version);
          break;
        case jwks:
          List<String> jwks = new ArrayList<>();
          for (KeyVersionInfo v : key.info().versions()) {
            if (v.state() == KeyState.ENABLED) {
              jwks.add(key.publicJwk(v.version()));
            }
          }
          text = "{\"keys\":[" + String.join(",", jwks) + "]}";
          break;
        default:
          text = version == null ? key.publicKeyPem() : key.publicKeyPem(version);
      }
      if (outFile != null) {
        Files.writeString(
            outFile, text.endsWith("\n") ? text : text + "\n", StandardCharsets.UTF_8);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("key", name);
        result.put("format", format.name());
        result.put("file", outFile.toString());
        print(result, "");
      } else {
        out().print(text.endsWith("\n") ? text : text + "\n");
        out().flush();
      }
    }
  }

  @Command(
      name = "import-public",
      mixinStandardHelpOptions = true,
      description = {
        "Imports a public key (PEM) as a verify-only key (admin): to trust another store's"
            + " signer for key import, or to check signatures made elsewhere."
      })
  static final class ImportPublic extends OnKey {
    @Mixin AdminOptions admin;

    @Option(
        names = "--algorithm",
        required = true,
        paramLabel = "ALG",
        description = "Its algorithm.")
    Algorithm algorithm;

    @Option(
        names = "--rsa-bits",
        paramLabel = "BITS",
        defaultValue = "3072",
        description = "RSA size.")
    int rsaBits;

    @Option(names = "--pem", required = true, paramLabel = "FILE", description = "The PEM file.")
    Path pem;

    @Override
    void run(HsmClient hsm) throws Exception {
      KeySpec spec =
          (algorithm.isRsa() ? KeySpec.rsa(algorithm, rsaBits) : KeySpec.of(algorithm))
              .withOperations(
                  algorithm.kind() == Algorithm.Kind.SIGNATURE
                      ? Operation.VERIFY
                      : Operation.ENCRYPT);
      String text = Files.readString(pem, StandardCharsets.UTF_8);
      adminSession(admin, hsm).importKey(name, spec, KeyMaterial.publicKeyPem(text));
      printKey(hsm, "imported public key " + name);
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Exports an extractable key for another store (admin): encrypted for that store's"
            + " transport key and signed by a signing key of this one (docs/FORMATS.md, Exported"
            + " keys)."
      })
  static final class Export extends OnKey {
    @Mixin AdminOptions admin;

    @Option(
        names = "--transport-pem",
        required = true,
        paramLabel = "FILE",
        description = "The other store's transport key (hsm key public there).")
    Path transportPem;

    @Option(
        names = "--signer",
        required = true,
        paramLabel = "KEY",
        description = "This store's signing key.")
    String signer;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "FILE",
        description = "The export file (new).")
    Path outFile;

    @Override
    void run(HsmClient hsm) throws Exception {
      Io.checkNew(outFile);
      String transport = Files.readString(transportPem, StandardCharsets.UTF_8);
      byte[] exported = adminSession(admin, hsm).exportKey(name, transport, signer);
      Io.writeNew(context(), outFile, exported);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("key", name);
      result.put("file", outFile.toString());
      result.put("bytes", exported.length);
      print(result, "exported key " + name + " to " + outFile);
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Imports a key exported by another store (admin), once its signature verifies with the"
            + " trusted signer key (see import-public)."
      })
  static final class Import extends OnKey {
    @Mixin AdminOptions admin;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "The export file.")
    Path inFile;

    @Option(
        names = "--transport",
        required = true,
        paramLabel = "KEY",
        description = "This store's transport key.")
    String transport;

    @Option(
        names = "--signer",
        required = true,
        paramLabel = "KEY",
        description = "The trusted signer key.")
    String signer;

    @Override
    void run(HsmClient hsm) throws Exception {
      byte[] exported = Files.readAllBytes(inFile);
      adminSession(admin, hsm).importExportedKey(name, exported, transport, signer);
      printKey(hsm, "imported key " + name);
    }
  }
}
