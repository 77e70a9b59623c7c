package dev.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Private keys whose parts disagree (the kind {@code openssl pkey -check} calls invalid) fail at
 * import with {@link InvalidKeyMaterialException} and store nothing, instead of importing and then
 * failing at every use. Each key is built here with Bouncy Castle's ASN.1 classes from a real key
 * with one part changed, and OpenSSL (when installed) confirms it is invalid; a consistent key of
 * each type is the control: OpenSSL accepts it and it imports and signs. OpenSSL 3.0 reads no
 * PKCS#8 v2 Ed25519 key that carries its public key, consistent or not, so the Ed25519 cases are
 * checked against the key derived from the seed only.
 */
class InconsistentKeyImportTest {
  private static final byte[] DATA = "inconsistent".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private HsmClient hsm;

  @BeforeEach
  void open() {
    hsm = TestStores.open(dir, "store.db");
  }

  @AfterEach
  void close() {
    hsm.close();
  }

  // ---------------------------------------------------------------- building keys

  private static KeyPair generate(String algorithm, Object parameter) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    if (parameter instanceof Integer) {
      generator.initialize((Integer) parameter);
    } else if (parameter instanceof String) {
      generator.initialize(new ECGenParameterSpec((String) parameter));
    }
    return generator.generateKeyPair();
  }

  /** PKCS#8 of an RSA key from its eight parts, as given (rsaEncryption, NULL parameters). */
  private static byte[] rsaPkcs8(BigInteger... parts) throws IOException {
    RSAPrivateKey key =
        new RSAPrivateKey(
            parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], parts[6], parts[7]);
    return new PrivateKeyInfo(
            new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), key)
        .getEncoded();
  }

  /** A real RSA-2048 key's parts: n, e, d, p, q, dP, dQ, qInv. */
  private static BigInteger[] rsaParts() throws Exception {
    RSAPrivateCrtKey k = (RSAPrivateCrtKey) generate("RSA", 2048).getPrivate();
    return new BigInteger[] {
      k.getModulus(),
      k.getPublicExponent(),
      k.getPrivateExponent(),
      k.getPrimeP(),
      k.getPrimeQ(),
      k.getPrimeExponentP(),
      k.getPrimeExponentQ(),
      k.getCrtCoefficient()
    };
  }

  private static byte[] rsaWith(int part, BigInteger value) throws Exception {
    BigInteger[] parts = rsaParts();
    parts[part] = value == null ? parts[part].add(BigInteger.TWO) : value;
    return rsaPkcs8(parts);
  }

  /** The uncompressed encoding of an EC public point. */
  private static byte[] point(ECPublicKey key) {
    byte[] out = new byte[65];
    out[0] = 4;
    unsigned(key.getW().getAffineX(), out, 1);
    unsigned(key.getW().getAffineY(), out, 33);
    return out;
  }

  private static void unsigned(BigInteger value, byte[] out, int offset) {
    byte[] bytes = value.toByteArray();
    int length = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - length, out, offset + 32 - length, length);
  }

  /** PKCS#8 of a P-256 key: its scalar with {@code publicPoint} in the ECPrivateKey structure. */
  private static byte[] p256Pkcs8(BigInteger d, byte[] publicPoint) throws IOException {
    org.bouncycastle.asn1.sec.ECPrivateKey key =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
            256, d, new DERBitString(publicPoint), SECObjectIdentifiers.secp256r1);
    return new PrivateKeyInfo(
            new AlgorithmIdentifier(
                X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256r1),
            key)
        .getEncoded();
  }

  /** PKCS#8 v2 of an Ed25519 seed with {@code publicKey} in its publicKey field. */
  private static byte[] ed25519Pkcs8(byte[] seed, byte[] publicKey) throws IOException {
    return new PrivateKeyInfo(
            new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
            new DEROctetString(seed),
            null,
            publicKey)
        .getEncoded();
  }

  private static byte[] seed(int first) {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) first);
    return seed;
  }

  private static byte[] ed25519Public(byte[] seed) {
    return new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
  }

  static Stream<Arguments> inconsistentKeys() throws Exception {
    KeyPair a = generate("EC", "secp256r1");
    KeyPair b = generate("EC", "secp256r1");
    BigInteger d = ((ECPrivateKey) a.getPrivate()).getS();
    byte[] offCurve = point((ECPublicKey) b.getPublic());
    offCurve[64] ^= 1;
    BigInteger[] rsa = rsaParts();
    BigInteger[] otherRsa = rsaParts();
    return Stream.of(
        Arguments.of(
            "RSA whose CRT coefficient is off by two",
            KeySpec.rsaPssSha256(2048),
            rsaWith(7, null),
            "CRT"),
        Arguments.of(
            "RSA whose private exponent does not invert e",
            KeySpec.rsaPkcs1Sha256(2048),
            rsaWith(2, null),
            "private exponent"),
        Arguments.of(
            "RSA whose modulus is not p times q",
            KeySpec.rsaOaepSha256(2048),
            rsaPkcs8(rsa[0], rsa[1], rsa[2], otherRsa[3], rsa[4], rsa[5], rsa[6], rsa[7]),
            "product"),
        Arguments.of(
            "P-256 carrying another key's public point",
            KeySpec.ecdsaP256(),
            p256Pkcs8(d, point((ECPublicKey) b.getPublic())),
            "times G"),
        Arguments.of(
            "P-256 carrying a point off the curve",
            KeySpec.ecdsaP256(),
            p256Pkcs8(d, offCurve),
            "not a point on the curve"),
        Arguments.of(
            "Ed25519 carrying another key's public key",
            KeySpec.ed25519(),
            ed25519Pkcs8(seed(1), ed25519Public(seed(2))),
            "public key it carries"));
  }

  // ---------------------------------------------------------------- OpenSSL

  /** Whether {@code openssl pkey -check} accepts the key, or null if OpenSSL is not installed. */
  private Boolean opensslAccepts(byte[] pkcs8) throws Exception {
    Path pem = Files.createTempFile(dir, "key", ".pem");
    Files.writeString(
        pem,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pkcs8)
            + "\n-----END PRIVATE KEY-----\n");
    Process process;
    try {
      process =
          new ProcessBuilder(List.of("openssl", "pkey", "-in", pem.toString(), "-check", "-noout"))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("openssl.out").toFile())
              .start();
    } catch (IOException notInstalled) {
      return null;
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("openssl finished").isTrue();
    return process.exitValue() == 0;
  }

  // ---------------------------------------------------------------- tests

  @ParameterizedTest(name = "{0}")
  @MethodSource("inconsistentKeys")
  void importKey_ofAKeyWhosePartsDisagree_throwsInvalidKeyMaterial_andStoresNothing(
      String what, KeySpec spec, byte[] pkcs8, String why) throws Exception {
    Boolean openssl = opensslAccepts(pkcs8);
    if (openssl != null && spec.algorithm() != Algorithm.ED25519) {
      assertThat(openssl).as("openssl pkey -check on %s", what).isFalse();
    }
    long auditBefore = hsm.auditLog().verify();

    assertThatThrownBy(() -> hsm.importKey("bad", spec, KeyMaterial.privateKeyPkcs8(pkcs8)))
        .as(what)
        .isExactlyInstanceOf(InvalidKeyMaterialException.class)
        .hasMessageContaining("'bad'")
        .hasMessageContaining(why);
    assertThat(hsm.findKey("bad")).isEmpty();
    assertThat(hsm.listKeys()).isEmpty();
    assertThat(hsm.auditLog().verify()).as("nothing written").isEqualTo(auditBefore);
  }

  @Test
  void consistentKeysOfEachType_passOpensslsCheck_import_andSign() throws Exception {
    BigInteger[] rsa = rsaParts();
    KeyPair ec = generate("EC", "secp256r1");
    byte[] ecPkcs8 =
        p256Pkcs8(((ECPrivateKey) ec.getPrivate()).getS(), point((ECPublicKey) ec.getPublic()));
    byte[] edPkcs8 = ed25519Pkcs8(seed(3), ed25519Public(seed(3)));

    int n = 0;
    for (Object[] control :
        new Object[][] {
          {KeySpec.rsaPssSha256(2048), rsaPkcs8(rsa)},
          {KeySpec.ecdsaP256(), ecPkcs8},
          {KeySpec.ed25519(), edPkcs8}
        }) {
      byte[] pkcs8 = (byte[]) control[1];
      Boolean openssl = opensslAccepts(pkcs8);
      if (openssl != null && ((KeySpec) control[0]).algorithm() != Algorithm.ED25519) {
        assertThat(openssl).as("openssl pkey -check on control %s", control[0]).isTrue();
      }
      KeyHandle key =
          hsm.importKey("good-" + n++, (KeySpec) control[0], KeyMaterial.privateKeyPkcs8(pkcs8));
      key.verify(DATA, key.sign(DATA));
    }
  }

  @Test
  void openssl_isPresentOrTheCrossCheckSaysItIsSkipped() throws Exception {
    Boolean accepts = opensslAccepts(rsaPkcs8(rsaParts()));
    assumeThat(accepts)
        .as("openssl is not installed: the inconsistent keys are not cross-checked with it")
        .isNotNull();
    assertThat(accepts).isTrue();
  }
}
