package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * The child process of {@link CrashSafetyTest}, killed with SIGKILL at a random moment. Opens the
 * key-file store {@code args[0]/args[1]}, then creates keys {@code <args[2]>-<n>} (ECDSA P-256,
 * AES-GCM and HMAC in turn) and now and then rotates a key, forever; a second thread creates keys
 * {@code <args[2]>-b<n>} at the same time, so that some commits hold several keys (group commit)
 * when the kill comes. Only after a call has returned does it print one line, with an output made
 * by the new key or version for the parent to check:
 *
 * <pre>
 * READY
 * CREATED &lt;name&gt; &lt;ALGORITHM&gt; &lt;hex signature, ciphertext or tag&gt;
 * ROTATED &lt;name&gt; &lt;version&gt; &lt;ALGORITHM&gt; &lt;hex output of that version&gt;
 * </pre>
 *
 * <p>A shutdown hook prints {@code HOOK}: SIGKILL must not run it.
 */
public final class CrashChild {
  /** The fixed input the child signs, encrypts or MACs; the parent checks against it. */
  static final byte[] DATA = "crash-safety".getBytes(UTF_8);

  private CrashChild() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    String store = args[1];
    String prefix = args[2];
    Random random = new Random(Long.parseLong(args[3]));
    // Unbuffered stdout: each println is written and flushed as one write before the next call.
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, UTF_8);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> out.println("HOOK")));

    try (HsmClient hsm = HsmClient.open(TestStores.keyFileConfig(dir, store))) {
      List<String> names = new ArrayList<>();
      for (KeyInfo info : hsm.listKeys()) {
        names.add(info.name());
      }
      out.println("READY");
      KeySpec[] specs = {KeySpec.ecdsaP256(), KeySpec.aes256Gcm(), KeySpec.hmacSha256()};
      Thread second =
          new Thread(
              () -> {
                for (int n = 0; ; n++) {
                  String name = prefix + "-b" + n;
                  KeySpec spec = specs[n % specs.length];
                  KeyHandle key = hsm.createKey(name, spec);
                  out.println(
                      "CREATED "
                          + name
                          + " "
                          + spec.algorithm()
                          + " "
                          + hex(output(key, spec.algorithm())));
                }
              },
              "second creator");
      second.setDaemon(true);
      second.start();
      for (int n = 0; ; n++) {
        String name = prefix + "-" + n;
        KeySpec spec = specs[n % specs.length];
        KeyHandle key = hsm.createKey(name, spec);
        names.add(name);
        out.println(
            "CREATED " + name + " " + spec.algorithm() + " " + hex(output(key, spec.algorithm())));
        if (random.nextInt(3) == 0) {
          KeyHandle rotated = hsm.key(names.get(random.nextInt(names.size())));
          int version = rotated.rotate();
          Algorithm algorithm = rotated.info().algorithm();
          out.println(
              "ROTATED "
                  + rotated.name()
                  + " "
                  + version
                  + " "
                  + algorithm
                  + " "
                  + hex(output(rotated, algorithm)));
        }
      }
    }
  }

  /** A signature, ciphertext or MAC tag over {@link #DATA} with the key's primary version. */
  static byte[] output(KeyHandle key, Algorithm algorithm) {
    switch (algorithm.kind()) {
      case SIGNATURE:
        return key.sign(DATA);
      case AEAD:
        return key.encrypt(DATA, key.name().getBytes(UTF_8));
      case MAC:
        return key.mac(DATA);
      default:
        throw new IllegalArgumentException(algorithm.toString());
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
