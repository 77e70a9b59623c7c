package dev.hsm.cli;

import dev.hsm.Algorithm;
import dev.hsm.HsmClient;
import dev.hsm.HsmException;
import dev.hsm.KeyHandle;
import dev.hsm.jca.HsmPrivateKey;
import dev.hsm.jca.HsmProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import jdk.security.jarsigner.JarSigner;
import jdk.security.jarsigner.JarSignerException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsm jar ...}: JAR signing with a key in the store, through the JCA provider. */
@Command(
    name = "jar",
    mixinStandardHelpOptions = true,
    description = "Signs JAR files with a key in the store; jarsigner checks them.",
    subcommands = {JarCommand.Sign.class})
final class JarCommand extends Group {

  @Command(
      name = "sign",
      description = {
        "Signs a JAR (or any zip jarsigner takes) as jarsigner -signedjar does, with a key version"
            + " and its certificate chain, into a new file; the key stays in the store. Check the"
            + " result with: jarsigner -verify -strict -keystore TRUST FILE",
        "The key: ECDSA or RSA PKCS#1, made with --operations SIGN_STANDARD, with a certificate"
            + " (hsm cert self-sign, or hsm cert csr and hsm cert attach)."
      })
  static final class Sign extends BaseCommand {
    @Mixin HelpOption help;

    @Parameters(index = "0", paramLabel = "JAR", description = "The JAR to sign.")
    Path jar;

    @Option(names = "--key", required = true, paramLabel = "NAME", description = "The signing key.")
    String keyName;

    @Option(
        names = "--version",
        paramLabel = "N",
        description =
            "Sign with this version and its certificate (default: the newest enabled version that"
                + " has a certificate).")
    Integer version;

    @Option(
        names = {"-o", "--out"},
        paramLabel = "FILE",
        description = "The signed JAR, a new file (default: JAR's name with -signed before .jar).")
    Path outFile;

    @Option(
        names = "--signer-name",
        paramLabel = "NAME",
        description =
            "The name of the signature files, META-INF/NAME.SF: 1 to 8 of A-Z, 0-9, - and _"
                + " (default: from the key's name, as jarsigner makes it from the alias).")
    String signerName;

    @Override
    void run(HsmClient hsm) throws Exception {
      Path target = outFile != null ? outFile : defaultOut();
      Io.checkNew(target);
      String signatureFiles = signerName != null ? checkedSignerName() : signerName(keyName);
      if (!Files.isRegularFile(jar)) {
        throw new CliException(ExitCodes.NOT_FOUND, "no such file: " + jar);
      }
      KeyHandle key = hsm.key(keyName);
      Algorithm algorithm = key.info().algorithm();
      String signatureAlgorithm = signatureAlgorithm(algorithm);
      key.standardSigner(); // refuses (and audits) a key not made for standard signatures
      HsmProvider provider = new HsmProvider(hsm);
      HsmPrivateKey privateKey = KeyVersions.privateKey(hsm, provider, key, version);
      List<X509Certificate> chain = key.certificateChain(privateKey.version());
      if (chain.isEmpty()) {
        throw new CliException(
            ExitCodes.NOT_FOUND, KeyVersions.noCertificate(keyName, privateKey.version()));
      }
      JarSigner signer =
          new JarSigner.Builder(
                  privateKey, CertificateFactory.getInstance("X.509").generateCertPath(chain))
              .signatureAlgorithm(signatureAlgorithm, provider)
              .signerName(signatureFiles)
              .build();
      try (ZipFile zip = new ZipFile(jar.toFile());
          Io.NewFile out = new Io.NewFile(target, true)) {
        signer.sign(zip, out.stream());
        out.commit();
      } catch (ZipException e) {
        throw new CliException(ExitCodes.USAGE, jar + " is not a JAR (zip) file");
      } catch (JarSignerException e) {
        throw hsmFailureIn(e);
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("jar", jar.toString());
      result.put("signed", target.toString());
      result.put("key", keyName);
      result.put("version", privateKey.version());
      result.put("signatureAlgorithm", signatureAlgorithm);
      result.put("signerName", signatureFiles);
      result.put("certificate", Pem.describe(chain.get(0)));
      print(
          result,
          "signed "
              + jar
              + " with key "
              + keyName
              + " version "
              + privateKey.version()
              + " ("
              + signatureAlgorithm
              + ", "
              + chain.get(0).getSubjectX500Principal().getName()
              + "): "
              + target
              + "\ncheck it with: jarsigner -verify -certs "
              + target);
    }

    private Path defaultOut() {
      String name = jar.getFileName().toString();
      int dot = name.toLowerCase(Locale.ROOT).endsWith(".jar") ? name.length() - 4 : name.length();
      return jar.resolveSibling(name.substring(0, dot) + "-signed" + name.substring(dot));
    }

    private String checkedSignerName() {
      if (!signerName.matches("[A-Za-z0-9_-]{1,8}")) {
        throw new CliException(
            ExitCodes.USAGE, "--signer-name " + signerName + ": give 1 to 8 of A-Z, 0-9, - and _");
      }
      return signerName.toUpperCase(Locale.ROOT);
    }

    /** As jarsigner names the files after an alias: 8 characters, upper case, others as _. */
    static String signerName(String keyName) {
      String upper = keyName.toUpperCase(Locale.ROOT);
      StringBuilder name = new StringBuilder();
      for (int i = 0; i < Math.min(8, upper.length()); i++) {
        char c = upper.charAt(i);
        boolean allowed = c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
        name.append(allowed ? c : '_');
      }
      return name.toString();
    }

    /**
     * The JCA signature the key makes, as the JAR's signature block names it. EdDSA and RSA-PSS are
     * left out: the JDK's JAR signer picks their parameters from key types the provider's handles
     * are not (an EdEC key, a PSS hash by key size).
     */
    private String signatureAlgorithm(Algorithm algorithm) {
      switch (algorithm) {
        case ECDSA_P256_SHA256:
          return "SHA256withECDSA";
        case ECDSA_P384_SHA384:
          return "SHA384withECDSA";
        case ECDSA_P521_SHA512:
          return "SHA512withECDSA";
        case RSA_PKCS1_SHA256:
          return "SHA256withRSA";
        case RSA_PKCS1_SHA384:
          return "SHA384withRSA";
        case RSA_PKCS1_SHA512:
          return "SHA512withRSA";
        default:
          throw new CliException(
              ExitCodes.USAGE,
              "key '"
                  + keyName
                  + "' is "
                  + algorithm
                  + ": JARs are signed with ECDSA or RSA PKCS#1 keys (hsm key create NAME"
                  + " --algorithm ECDSA_P256_SHA256 --operations SIGN_STANDARD)");
      }
    }

    /** The HSM's own failure inside the JAR signer (a disabled version...), or the signer's. */
    private static RuntimeException hsmFailureIn(JarSignerException failure) {
      for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
        if (cause instanceof HsmException) {
          return (HsmException) cause;
        }
      }
      return failure;
    }
  }
}
