package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_16BE;
import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports key material whose bytes the test knows, uses every kind of key, and then reads the raw
 * bytes of the store file and its -wal, -shm and -journal files (while the client is open, when the
 * WAL holds the data, and after close): no secret, no part of one, and not the passphrase may
 * appear.
 */
class NoPlaintextAtRestTest {
  private static final String PASSPHRASE = "at-rest passphrase 7Qx!v3";

  /** Shorter runs of a secret than this are not searched for (they could match by chance). */
  private static final int WINDOW = 16;

  @TempDir Path dir;

  /** Secret values: each must not appear, nor any 16-byte run of it. */
  private final Map<String, byte[]> secretValues = new LinkedHashMap<>();

  /** Encodings that contain public parts (PKCS#8 holds the modulus): searched for whole. */
  private final Map<String, byte[]> secretEncodings = new LinkedHashMap<>();

  /** The imported RSA key's modulus: public, stored in clear, so the scan must find it. */
  private byte[] publicModulus;

  private static byte[] random(int length) {
    byte[] out = new byte[length];
    new SecureRandom().nextBytes(out);
    return out;
  }

  private static byte[] unsigned(BigInteger value, int length) {
    byte[] signed = value.toByteArray();
    if (signed.length == length) {
      return signed;
    }
    byte[] out = new byte[length];
    int copy = Math.min(length, signed.length);
    System.arraycopy(signed, signed.length - copy, out, length - copy, copy);
    return out;
  }

  private static byte[] unsigned(BigInteger value) {
    return unsigned(value, (value.bitLength() + 7) / 8);
  }

  private static KeyPair generate(String algorithm, Object parameter) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    if (parameter instanceof Integer) {
      generator.initialize((Integer) parameter);
    } else if (parameter instanceof String) {
      generator.initialize(new ECGenParameterSpec((String) parameter));
    }
    return generator.generateKeyPair();
  }

  private void use(KeyHandle key) {
    // random, so that no run of it can match a key name or other stored text by chance
    byte[] data = random(48);
    secretValues.put("plaintext used with " + key.name(), data);
    switch (key.info().algorithm().kind()) {
      case AEAD:
        assertThat(key.decrypt(key.encrypt(data, data), data)).isEqualTo(data);
        DataKey dataKey = key.generateDataKey(data);
        secretValues.put("data key from " + key.name(), dataKey.plaintextKey());
        break;
      case HYBRID_ENCRYPTION:
        assertThat(key.decrypt(key.encrypt(data, data), data)).isEqualTo(data);
        DataKey pqDataKey = key.generateDataKey(data);
        secretValues.put("data key from " + key.name(), pqDataKey.plaintextKey());
        break;
      case ASYMMETRIC_ENCRYPTION:
        assertThat(key.decrypt(key.encrypt(data))).isEqualTo(data);
        break;
      case MAC:
        key.verifyMac(data, key.mac(data));
        break;
      default:
        key.verify(data, key.sign(data));
    }
  }

  /** Fills the store: every algorithm generated, and known material imported; all used. */
  private void populate(HsmClient hsm) throws Exception {
    for (Algorithm algorithm : Algorithm.values()) {
      KeySpec spec = algorithm.isRsa() ? KeySpec.rsa(algorithm, 2048) : KeySpec.of(algorithm);
      use(hsm.createKey("gen-" + algorithm.name().toLowerCase(), spec));
    }

    byte[] aes = random(32);
    byte[] chacha = random(32);
    byte[] hmac = random(64);
    secretValues.put("AES key", aes);
    secretValues.put("ChaCha20 key", chacha);
    secretValues.put("HMAC key", hmac);
    use(hsm.importKey("imp-aes", KeySpec.aes256Gcm(), KeyMaterial.secretKey(aes)));
    use(hsm.importKey("imp-chacha", KeySpec.chacha20Poly1305(), KeyMaterial.secretKey(chacha)));
    use(hsm.importKey("imp-hmac", KeySpec.hmacSha512(), KeyMaterial.secretKey(hmac)));

    KeyPair ec = generate("EC", "secp256r1");
    secretEncodings.put("EC PKCS#8", ec.getPrivate().getEncoded());
    secretValues.put("EC private scalar", unsigned(((ECPrivateKey) ec.getPrivate()).getS(), 32));
    use(
        hsm.importKey(
            "imp-ecdsa",
            KeySpec.ecdsaP256(),
            KeyMaterial.privateKeyPkcs8(ec.getPrivate().getEncoded())));

    KeyPair ed = generate("Ed25519", null);
    secretEncodings.put("Ed25519 PKCS#8", ed.getPrivate().getEncoded());
    secretValues.put("Ed25519 seed", ((EdECPrivateKey) ed.getPrivate()).getBytes().orElseThrow());
    use(
        hsm.importKey(
            "imp-ed25519",
            KeySpec.ed25519(),
            KeyMaterial.privateKeyPkcs8(ed.getPrivate().getEncoded())));

    KeyPair rsa = generate("RSA", 2048);
    RSAPrivateCrtKey rsaPrivate = (RSAPrivateCrtKey) rsa.getPrivate();
    publicModulus = unsigned(rsaPrivate.getModulus());
    secretEncodings.put("RSA PKCS#8", rsaPrivate.getEncoded());
    secretValues.put("RSA private exponent", unsigned(rsaPrivate.getPrivateExponent()));
    secretValues.put("RSA prime p", unsigned(rsaPrivate.getPrimeP()));
    secretValues.put("RSA prime q", unsigned(rsaPrivate.getPrimeQ()));
    secretValues.put("RSA exponent dP", unsigned(rsaPrivate.getPrimeExponentP()));
    secretValues.put("RSA exponent dQ", unsigned(rsaPrivate.getPrimeExponentQ()));
    secretValues.put("RSA CRT coefficient", unsigned(rsaPrivate.getCrtCoefficient()));
    use(
        hsm.importKey(
            "imp-rsa-pss",
            KeySpec.rsaPssSha256(2048),
            KeyMaterial.privateKeyPkcs8(rsaPrivate.getEncoded())));
    use(
        hsm.importKey(
            "imp-rsa-oaep",
            KeySpec.rsaOaepSha256(2048),
            KeyMaterial.privateKeyPem(
                "-----BEGIN PRIVATE KEY-----\n"
                    + java.util.Base64.getMimeEncoder().encodeToString(rsaPrivate.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n")));

    byte[] mlDsaSeed = random(32);
    MLDSAPrivateKeyParameters mlDsa =
        new MLDSAPrivateKeyParameters(MLDSAParameters.ml_dsa_65, mlDsaSeed);
    byte[] mlDsaPkcs8 = PrivateKeyInfoFactory.createPrivateKeyInfo(mlDsa).getEncoded(); // both
    secretEncodings.put("ML-DSA PKCS#8", mlDsaPkcs8);
    secretValues.put("ML-DSA seed", mlDsaSeed);
    secretValues.put("ML-DSA s1", mlDsa.getS1());
    secretValues.put("ML-DSA K", mlDsa.getK());
    use(hsm.importKey("imp-ml-dsa", KeySpec.mlDsa65(), KeyMaterial.privateKeyPkcs8(mlDsaPkcs8)));

    byte[] xWingSeed = random(32);
    secretValues.put("X-Wing seed", xWingSeed);
    IndependentHpke.Recipient xWing = IndependentHpke.xWing(xWingSeed);
    secretValues.put("X-Wing's ML-KEM seed", xWing.mlKemSeed());
    secretValues.put("X-Wing's X25519 private key", xWing.x25519Private());
    use(
        hsm.importKey(
            "imp-x-wing",
            KeySpec.mlKem768X25519(),
            KeyMaterial.privateKeyPkcs8(PostQuantumEncryptionTest.xWingPkcs8(xWingSeed))));

    secretEncodings.put("passphrase UTF-8", PASSPHRASE.getBytes(UTF_8));
    secretEncodings.put("passphrase UTF-16LE", PASSPHRASE.getBytes(UTF_16LE));
    secretEncodings.put("passphrase UTF-16BE", PASSPHRASE.getBytes(UTF_16BE));
  }

  /** Every file in the store's directory: the store and whatever SQLite keeps beside it. */
  private List<Path> filesOnDisk() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static long firstEight(byte[] bytes, int offset) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[offset + i] & 0xff);
    }
    return value;
  }

  /** Where a secret, or a run of {@value #WINDOW} bytes of a secret value, occurs in a file. */
  private List<String> findSecrets(Path file) throws IOException {
    byte[] content = Files.readAllBytes(file);
    List<String> found = new ArrayList<>();
    Set<Long> fileWindows = new HashSet<>();
    for (int i = 0; i + 8 <= content.length; i++) {
      fileWindows.add(firstEight(content, i));
    }
    for (Map.Entry<String, byte[]> secret : secretEncodings.entrySet()) {
      int at = indexOf(content, secret.getValue());
      if (at >= 0) {
        found.add(secret.getKey() + " at offset " + at);
      }
    }
    for (Map.Entry<String, byte[]> secret : secretValues.entrySet()) {
      byte[] value = secret.getValue();
      for (int start = 0; start + WINDOW <= value.length; start++) {
        if (fileWindows.contains(firstEight(value, start))) {
          int at = indexOf(content, Arrays.copyOfRange(value, start, start + WINDOW));
          if (at >= 0) {
            found.add(secret.getKey() + " bytes " + start + ".." + (start + WINDOW) + " at " + at);
            break;
          }
        }
      }
    }
    return found;
  }

  private void assertNoSecretIn(List<Path> files, String when) throws IOException {
    assertThat(files).as("store files %s", when).isNotEmpty();
    for (Path file : files) {
      assertThat(findSecrets(file)).as("secrets in %s %s", file.getFileName(), when).isEmpty();
    }
  }

  @Test
  void storeFiles_neverHoldSecretsOrThePassphrase_whileOpenOrAfterClose() throws Exception {
    HsmConfig config = TestStores.passphraseConfig(dir, "rest.db", PASSPHRASE);
    try (HsmClient hsm = HsmClient.open(config)) {
      populate(hsm);
      List<Path> whileOpen = filesOnDisk();
      assertThat(whileOpen).extracting(p -> p.getFileName().toString()).contains("rest.db-wal");
      assertThat(Files.size(dir.resolve("rest.db-wal"))).as("WAL holds the new keys").isPositive();
      assertNoSecretIn(whileOpen, "while the client is open");
    }
    assertNoSecretIn(filesOnDisk(), "after close");
    assertThat(indexOf(Files.readAllBytes(dir.resolve("rest.db")), publicModulus))
        .as("the scan reads real content: the public RSA modulus is stored in clear")
        .isNotNegative();

    // reopening and using every key (loads, unwraps) writes nothing secret either
    try (HsmClient hsm = HsmClient.open(config)) {
      for (KeyInfo info : hsm.listKeys()) {
        use(hsm.key(info.name()));
      }
      assertNoSecretIn(filesOnDisk(), "after reopening and using every key");
    }
    assertNoSecretIn(filesOnDisk(), "after the second close");
  }

  /** The search itself works: a store file holding a secret value is caught. */
  @Test
  void secretSearch_findsARunOfASecretPlantedInAFile() throws Exception {
    byte[] secret = random(32);
    secretValues.put("planted", secret);
    byte[] file = random(4096);
    System.arraycopy(secret, 7, file, 1000, WINDOW);
    // The random neighbours must not extend the run: a byte equal to secret[6] before it would
    // make the search report bytes 6..22 at 999 instead (once in 256 runs).
    file[999] = (byte) ~secret[6];
    file[1000 + WINDOW] = (byte) ~secret[7 + WINDOW];
    Path planted = Files.write(dir.resolve("planted.bin"), file);

    assertThat(findSecrets(planted)).containsExactly("planted bytes 7..23 at 1000");
  }

  @Test
  void storeFiles_areReadableAndWritableByTheOwnerOnly() throws Exception {
    assumeThat(dir.getFileSystem().supportedFileAttributeViews()).contains("posix");
    try (HsmClient hsm = TestStores.open(dir, "private.db")) {
      use(hsm.createKey("k", KeySpec.aes256Gcm()));
      for (Path file : StoreFiles.storeFiles(dir.resolve("private.db"))) {
        assertThat(Files.getPosixFilePermissions(file))
            .as("permissions of %s", file.getFileName())
            .containsOnly(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      }
    }
  }
}
