package dev.hsm.examples.quickstart;

import dev.hsm.DataKey;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.VerificationFailedException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * The quickstart: opens (or creates) a key store in the working directory, creates two keys if they
 * are missing, then signs, verifies, encrypts and decrypts, printing each step.
 *
 * <p>Run it from the repository root with {@code mvn -q -pl examples/quickstart -am compile
 * exec:java}. Set {@code HSM_PASSPHRASE} to choose the store's passphrase; without it a development
 * passphrase is used, with a loud warning.
 */
public final class Quickstart {
  static final String STORE_FILE = "quickstart-hsm.db";
  static final String PASSPHRASE_VARIABLE = "HSM_PASSPHRASE";
  private static final String DEV_PASSPHRASE = "quickstart-dev-passphrase-not-secret";

  private Quickstart() {}

  public static void main(String[] args) {
    run(Path.of(STORE_FILE), System.getenv(PASSPHRASE_VARIABLE) != null, System.out);
  }

  /**
   * The whole walk-through against the store at {@code store}.
   *
   * @param passphraseFromEnv read the passphrase from {@code HSM_PASSPHRASE} instead of using the
   *     development default
   */
  static void run(Path store, boolean passphraseFromEnv, PrintStream out) {
    HsmConfig config = HsmConfig.sqlite(store);
    if (passphraseFromEnv) {
      config = config.passphraseFromEnv(PASSPHRASE_VARIABLE);
    } else {
      out.println("!!! WARNING: " + PASSPHRASE_VARIABLE + " is not set; using a development");
      out.println("!!! passphrase that is printed in this program's source. Anyone with the");
      out.println("!!! store file can unlock it. Never use this outside a demo.");
      config = config.passphrase(DEV_PASSPHRASE);
    }
    boolean existed = Files.exists(store);

    try (HsmClient hsm = HsmClient.open(config)) {
      out.println((existed ? "Opened" : "Created") + " key store " + store.toAbsolutePath());

      // Keys are generated inside the store; the program only ever holds handles.
      KeyHandle signing = keyNamed(hsm, "invoices", KeySpec.ecdsaP256(), out);
      KeyHandle pii = keyNamed(hsm, "pii", KeySpec.aes256Gcm(), out);

      byte[] invoice = "invoice #1001: 250.00 EUR".getBytes(StandardCharsets.UTF_8);
      byte[] signature = signing.sign(invoice);
      out.println("Signed " + invoice.length + " bytes: " + hex(signature));
      signing.verify(invoice, signature);
      out.println("Verified the signature.");
      byte[] forged = "invoice #1001: 999.00 EUR".getBytes(StandardCharsets.UTF_8);
      try {
        signing.verify(forged, signature);
        throw new IllegalStateException("a forged invoice verified");
      } catch (VerificationFailedException expected) {
        out.println("A changed invoice is rejected: " + expected.getMessage());
      }

      byte[] context = "customer:42".getBytes(StandardCharsets.UTF_8);
      byte[] email = "alice@example.com".getBytes(StandardCharsets.UTF_8);
      byte[] ciphertext = pii.encrypt(email, context);
      out.println("Encrypted an e-mail address: " + hex(ciphertext));
      String decrypted = new String(pii.decrypt(ciphertext, context), StandardCharsets.UTF_8);
      out.println("Decrypted it again: " + decrypted);

      DataKey dataKey = pii.generateDataKey(context);
      out.println(
          "Generated a data key for bulk encryption; store its encrypted form ("
              + dataKey.encryptedKey().length
              + " bytes) beside the data");
      dataKey.destroy();

      out.println("Public key of 'invoices', for anyone who verifies its signatures:");
      out.print(signing.publicKeyPem());
      out.println(signing.publicJwk());
    }
  }

  private static KeyHandle keyNamed(HsmClient hsm, String name, KeySpec spec, PrintStream out) {
    return hsm.findKey(name)
        .map(
            existing -> {
              out.println("Using existing key " + existing);
              return existing;
            })
        .orElseGet(
            () -> {
              KeyHandle created = hsm.createKey(name, spec);
              out.println("Created key " + created);
              return created;
            });
  }

  private static String hex(byte[] bytes) {
    String hex = HexFormat.of().formatHex(bytes);
    return hex.length() <= 48 ? hex : hex.substring(0, 48) + "... (" + bytes.length + " bytes)";
  }
}
