package dev.hsm.cli;

import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.jca.CertificateSpec;
import dev.hsm.jca.Certificates;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hsm cert ...}: X.509 certificates for key versions (docs/JCA.md): requests for a CA,
 * self-signed certificates, attaching the chain a CA issued, and showing it. A chain belongs to one
 * version; {@code hsm jar sign} and the JCA key store present it with the key.
 */
@Command(
    name = "cert",
    mixinStandardHelpOptions = true,
    description = {
      "Certificates for a version of a key: a request (CSR) for a CA, a self-signed certificate,"
          + " the chain the CA issued, and showing it. hsm jar sign and the JCA key store"
          + " (docs/JCA.md) present the chain with the key.",
      "Requests and self-signed certificates are signed by the key, which must be made for it:"
          + " hsm key create NAME --algorithm ECDSA_P256_SHA256 --operations SIGN_STANDARD."
    },
    subcommands = {
      CertCommand.Csr.class,
      CertCommand.SelfSign.class,
      CertCommand.Attach.class,
      CertCommand.Show.class
    })
final class CertCommand extends Group {

  /** A command on one version of a key. */
  abstract static class OnVersion extends KeyCommand.OnKey {
    @Option(names = "--version", paramLabel = "N", description = "This version, not the default.")
    Integer version;

    /**
     * Writes {@code pem} to stdout, or to {@code outFile} (new) and then {@code result}; with
     * {@code --json}, {@code result} holds the PEM if it is not in a file.
     */
    void write(String pem, Path outFile, Map<String, Object> result, String human)
        throws Exception {
      if (outFile == null && !output.json) {
        out().print(pem);
        out().flush();
        return;
      }
      if (outFile != null) {
        Io.writeNew(context(), outFile, Pem.bytes(pem));
        result.put("file", outFile.toString());
      } else {
        result.put("pem", pem);
      }
      print(result, human);
    }
  }

  /** The subject and extensions of a request or a self-signed certificate. */
  static final class SubjectOptions {
    @Option(
        names = "--subject",
        required = true,
        paramLabel = "DN",
        description = "The subject, e.g. 'CN=Example Code Signing, O=Example'.")
    String subject;

    @Option(
        names = "--san",
        split = ",",
        paramLabel = "TYPE:VALUE",
        description =
            "Subject alternative names: dns:NAME, ip:ADDRESS or email:ADDRESS; repeatable or"
                + " comma-separated.")
    List<String> alternativeNames = new ArrayList<>();

    @Option(
        names = "--extended-key-usage",
        split = ",",
        paramLabel = "PURPOSE",
        description = "Extended key usages: ${COMPLETION-CANDIDATES} (default: none).")
    List<CertificateSpec.Purpose> purposes = new ArrayList<>();

    CertificateSpec spec() {
      CertificateSpec spec = CertificateSpec.subject(subject);
      for (String name : alternativeNames) {
        int colon = name.indexOf(':');
        String type = colon < 0 ? "" : name.substring(0, colon).toLowerCase(Locale.ROOT);
        String value = name.substring(colon + 1);
        switch (type) {
          case "dns":
            spec = spec.withDnsNames(value);
            break;
          case "ip":
            spec = spec.withIpAddresses(value);
            break;
          case "email":
            spec = spec.withEmails(value);
            break;
          default:
            throw new CliException(
                ExitCodes.USAGE, "--san " + name + ": give dns:NAME, ip:ADDRESS or email:ADDRESS");
        }
      }
      if (!purposes.isEmpty()) {
        spec =
            spec.withExtendedKeyUsage(
                purposes.get(0),
                purposes.subList(1, purposes.size()).toArray(new CertificateSpec.Purpose[0]));
      }
      return spec;
    }
  }

  @Command(
      name = "csr",
      description = {
        "Prints a PKCS#10 certificate request (PEM) for a version of the key (default: the"
            + " primary), signed by it, for a CA to issue a certificate from. Check it with:"
            + " openssl req -in FILE -noout -verify -text"
      })
  static final class Csr extends OnVersion {
    @Mixin HelpOption help;

    @Mixin SubjectOptions subject;

    @Option(
        names = {"-o", "--out"},
        paramLabel = "FILE",
        description = "Write here (new file), not stdout.")
    Path outFile;

    @Override
    void run(HsmClient hsm) throws Exception {
      if (outFile != null) {
        Io.checkNew(outFile);
      }
      CertificateSpec spec = subject.spec();
      KeyHandle key = hsm.key(name);
      int signer = version != null ? version : key.info().primaryVersion();
      String pem = Certificates.csrPem(key, signer, spec);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("key", name);
      result.put("version", signer);
      result.put("subject", spec.subjectName().getName());
      write(
          pem,
          outFile,
          result,
          "certificate request for key " + name + " version " + signer + " written to " + outFile);
    }
  }

  @Command(
      name = "self-sign",
      description = {
        "Makes a self-signed certificate for a version of the key (default: the primary),"
            + " attaches it to that version and prints it (PEM): for development, and for"
            + " signatures whose verifiers trust this certificate itself (jarsigner -verify"
            + " -keystore with it). A version that has a chain keeps it unless --replace is given."
      })
  static final class SelfSign extends OnVersion {
    @Mixin HelpOption help;

    @Mixin SubjectOptions subject;

    @Option(
        names = "--days",
        paramLabel = "N",
        defaultValue = "365",
        description = "Valid for N days from now (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--replace", description = "Replace the chain the version has.")
    boolean replace;

    @Option(
        names = {"-o", "--out"},
        paramLabel = "FILE",
        description = "Write here (new file), not stdout.")
    Path outFile;

    @Override
    void run(HsmClient hsm) throws Exception {
      if (outFile != null) {
        Io.checkNew(outFile);
      }
      if (days < 1) {
        throw new CliException(ExitCodes.USAGE, "--days must be at least 1");
      }
      CertificateSpec spec = subject.spec().withValidity(Instant.now(), Duration.ofDays(days));
      KeyHandle key = hsm.key(name);
      int signer = version != null ? version : key.info().primaryVersion();
      if (!replace && !key.certificateChain(signer).isEmpty()) {
        throw new CliException(
            ExitCodes.EXISTS,
            "key '"
                + name
                + "' version "
                + signer
                + " has a certificate already (hsm cert show "
                + name
                + " --version "
                + signer
                + "): give --replace to put a self-signed one in its place");
      }
      X509Certificate certificate = Certificates.selfSigned(key, signer, spec);
      key.attachCertificateChain(signer, List.of(certificate));
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("key", name);
      result.put("version", signer);
      result.put("certificate", Pem.describe(certificate));
      write(
          Pem.certificates(List.of(certificate)),
          outFile,
          result,
          "self-signed certificate for key "
              + name
              + " version "
              + signer
              + " attached and written to "
              + outFile);
    }
  }

  @Command(
      name = "attach",
      description = {
        "Attaches the certificate chain a CA issued to a version of the key (default: the"
            + " primary), replacing any chain it had. The file holds PEM (or DER) certificates:"
            + " the version's own first, then each issuer; the root may be left out.",
        "Exits 6 and stores nothing if the first certificate is not for that version's public key"
            + " or a certificate is not issued by the next."
      })
  static final class Attach extends OnVersion {
    @Mixin HelpOption help;

    @Option(
        names = "--chain",
        required = true,
        paramLabel = "FILE",
        description = "The chain (PEM or DER; - for stdin).")
    Path chainFile;

    @Override
    void run(HsmClient hsm) throws Exception {
      List<X509Certificate> chain = Pem.readCertificates(context(), chainFile);
      KeyHandle key = hsm.key(name);
      int target = version != null ? version : key.info().primaryVersion();
      key.attachCertificateChain(target, chain);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("key", name);
      result.put("version", target);
      result.put("certificates", chain.stream().map(Pem::describe).collect(Collectors.toList()));
      print(
          result,
          "attached a chain of "
              + chain.size()
              + " to key "
              + name
              + " version "
              + target
              + ": "
              + chain.get(0).getSubjectX500Principal().getName());
    }
  }

  @Command(
      name = "show",
      description = {
        "Prints the certificate chain of a version of the key (PEM, leaf first): by default of the"
            + " version that hsm jar sign and the JCA key store use, the newest enabled one that"
            + " has a chain. --json describes each certificate."
      })
  static final class Show extends OnVersion {
    @Mixin HelpOption help;

    @Option(
        names = {"-o", "--out"},
        paramLabel = "FILE",
        description = "Write here (new file), not stdout.")
    Path outFile;

    @Override
    void run(HsmClient hsm) throws Exception {
      if (outFile != null) {
        Io.checkNew(outFile);
      }
      KeyHandle key = hsm.key(name);
      int shown = KeyVersions.presented(hsm, key, version);
      List<X509Certificate> chain = key.certificateChain(shown);
      if (chain.isEmpty()) {
        throw new CliException(ExitCodes.NOT_FOUND, KeyVersions.noCertificate(name, shown));
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("key", name);
      result.put("version", shown);
      result.put("certificates", chain.stream().map(Pem::describe).collect(Collectors.toList()));
      write(
          Pem.certificates(chain),
          outFile,
          result,
          "certificate chain of key " + name + " version " + shown + " written to " + outFile);
    }
  }
}
