package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by {@link NativeCryptoTest} in a JVM whose class path lacks the native provider. Argument: a
 * store path that does not exist yet. Prints what AUTO chose and what REQUIRED did.
 */
public final class NativeCryptoChild {
  private NativeCryptoChild() {}

  public static void main(String[] args) {
    Path store = Path.of(args[0]);
    Path dir = store.getParent();
    String name = store.getFileName().toString();
    try (HsmClient hsm =
        HsmClient.open(TestStores.keyFileConfig(dir, name).nativeCrypto(NativeCrypto.AUTO))) {
      for (Algorithm algorithm :
          new Algorithm[] {Algorithm.ECDSA_P256_SHA256, Algorithm.AES_256_GCM}) {
        System.out.println("AUTO " + algorithm + " " + hsm.cryptoProvider(algorithm));
      }
      KeyHandle key = hsm.createKey("k", KeySpec.ecdsaP256());
      byte[] data = "data".getBytes(UTF_8);
      key.verify(data, key.sign(data));
      System.out.println("AUTO signed and verified");
    }
    Path other = dir.resolve("required-" + name);
    try {
      HsmClient.open(
              TestStores.keyFileConfig(dir, other.getFileName().toString())
                  .nativeCrypto(NativeCrypto.REQUIRED))
          .close();
      System.out.println("REQUIRED opened, which it must not");
    } catch (NativeCryptoUnavailableException e) {
      System.out.println("REQUIRED NativeCryptoUnavailableException: " + e.getMessage());
    }
    System.out.println("REQUIRED created no file: " + !Files.exists(other));
  }
}
