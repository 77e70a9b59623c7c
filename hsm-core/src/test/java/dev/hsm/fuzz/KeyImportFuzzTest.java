package dev.hsm.fuzz;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.Algorithm;
import dev.hsm.HsmClient;
import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.Operation;
import dev.hsm.VerificationFailedException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Attacks key import ({@code importKey}) with material from outside, near valid material of every
 * asymmetric type (ECDSA P-256, P-384, P-521, Ed25519, RSA; encoded by the JDK and by Bouncy
 * Castle): PKCS#8 private keys, X.509 SubjectPublicKeyInfo public keys, X.509 certificates given
 * where a public key is expected, PEM text (including certificate, PKCS#1 and encrypted-key
 * blocks), each imported 3 times in 4 under a spec it fits and else under any; and raw secrets of
 * every length under every secret-key algorithm.
 *
 * <p>Each import either throws {@link InvalidKeyMaterialException} and leaves the store unchanged,
 * or gives a key that works: it signs and verifies, encrypts and decrypts, or (a public key)
 * exports its PEM and JWK and refuses a wrong signature or ciphertext as such, never failing to
 * load.
 *
 * <p>The library reads no JWK and no certificate: a JWK import does not exist to attack, and a
 * certificate is only ever refused.
 */
class KeyImportFuzzTest {
  private static final byte[] DATA = "imported".getBytes(UTF_8);
  private static final List<KeySpec> ASYMMETRIC_SPECS =
      List.of(
          KeySpec.ecdsaP256(),
          KeySpec.ecdsaP384(),
          KeySpec.ecdsaP521(),
          KeySpec.ed25519(),
          KeySpec.rsaPssSha256(2048),
          KeySpec.rsaPkcs1Sha256(2048),
          KeySpec.rsaOaepSha256(2048),
          KeySpec.rsaOaepSha256(3072));
  private static final List<KeySpec> SECRET_SPECS =
      List.of(
          KeySpec.aes256Gcm(),
          KeySpec.chacha20Poly1305(),
          KeySpec.aes256GcmSiv(),
          KeySpec.hmacSha256(),
          KeySpec.hmacSha384(),
          KeySpec.hmacSha512());

  private static Path dir;
  private static HsmClient hsm;
  private static Fuzz.StoreContent store;
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static List<Seed> pkcs8;
  private static List<Seed> publicKeys;
  private static List<Seed> pems;

  /** Valid material (DER, or PEM text as ISO-8859-1 bytes) and the specs it fits. */
  record Seed(byte[] encoded, List<KeySpec> specs) {}

  /** An input and the spec it is imported under. */
  record Case(KeySpec spec, byte[] input) {}

  @BeforeContainer
  static void open() throws Exception {
    dir = Fuzz.tempDir("import-fuzz");
    hsm = Fuzz.openStore(dir, "store.db");
    store = new Fuzz.StoreContent(dir.resolve("store.db"));
    pkcs8 = new ArrayList<>();
    publicKeys = new ArrayList<>();
    pems = new ArrayList<>();
    Provider bc = new BouncyCastleProvider();
    for (Provider provider : new Provider[] {null, bc}) {
      // From the JDK's pairs (Bouncy Castle's are their twins), a certificate too.
      boolean certificate = provider == null;
      add(pair("EC", "secp256r1", provider), certificate, KeySpec.ecdsaP256());
      add(pair("EC", "secp384r1", provider), certificate, KeySpec.ecdsaP384());
      add(pair("EC", "secp521r1", provider), certificate, KeySpec.ecdsaP521());
      add(pair("Ed25519", null, provider), certificate, KeySpec.ed25519());
      add(
          pair("RSA", null, provider),
          certificate,
          KeySpec.rsaPssSha256(2048),
          KeySpec.rsaPkcs1Sha256(2048),
          KeySpec.rsaOaepSha256(2048));
    }
    KeySpec p256 = KeySpec.ecdsaP256();
    pems.add(
        text(
            "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK==\n-----END RSA PRIVATE KEY-----\n",
            p256));
    pems.add(text(pem("ENCRYPTED PRIVATE KEY", pkcs8.get(0).encoded()), p256));
    pems.add(
        text(
            pem("PRIVATE KEY", pkcs8.get(0).encoded())
                + pem("PUBLIC KEY", publicKeys.get(0).encoded()),
            p256));
  }

  /**
   * Adds a pair's encodings as seeds for {@code specs}; with {@code certificate}, a certificate of
   * it too, given where a public key is expected.
   */
  private static void add(KeyPair pair, boolean certificate, KeySpec... specs) throws Exception {
    List<KeySpec> fits = List.of(specs);
    byte[] privateKey = pair.getPrivate().getEncoded();
    byte[] publicKey = pair.getPublic().getEncoded();
    pkcs8.add(new Seed(privateKey, fits));
    publicKeys.add(new Seed(publicKey, fits));
    pems.add(text(pem("PRIVATE KEY", privateKey), fits.get(0)));
    pems.add(text(pem("PUBLIC KEY", publicKey), fits.get(0)));
    if (certificate) {
      byte[] der = certificate(pair);
      publicKeys.add(new Seed(der, fits));
      pems.add(text(pem("CERTIFICATE", der), fits.get(0)));
    }
  }

  private static Seed text(String pem, KeySpec spec) {
    return new Seed(pem.getBytes(ISO_8859_1), List.of(spec));
  }

  private static KeyPair pair(String algorithm, String curve, Provider provider) throws Exception {
    KeyPairGenerator generator =
        provider == null
            ? KeyPairGenerator.getInstance(algorithm)
            : KeyPairGenerator.getInstance(algorithm, provider);
    if (curve != null) {
      generator.initialize(new ECGenParameterSpec(curve));
    } else if (algorithm.equals("RSA")) {
      generator.initialize(2048);
    }
    return generator.generateKeyPair();
  }

  /** A self-signed X.509 certificate of {@code pair}'s public key. */
  private static byte[] certificate(KeyPair pair) throws Exception {
    X500Name name = new X500Name("CN=fuzz");
    String signature =
        switch (pair.getPublic().getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> "Ed25519";
        };
    return new JcaX509v3CertificateBuilder(
            name, BigInteger.ONE, new Date(0), new Date(4_000_000_000_000L), name, pair.getPublic())
        .build(new JcaContentSignerBuilder(signature).build(pair.getPrivate()))
        .getEncoded();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(UTF_8)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  @AfterContainer
  static void close() {
    store.close();
    hsm.close();
    Fuzz.deleteTree(dir);
  }

  /**
   * Inputs near each seed, imported mostly (3 in 4) under a spec the seed fits, else under any: so
   * that most reach the checks of material against its spec.
   */
  private static Arbitrary<Case> cases(List<Seed> seeds, int maxRandom) {
    List<byte[]> all = seeds.stream().map(Seed::encoded).toList();
    return Arbitraries.of(seeds)
        .flatMap(
            seed ->
                Combinators.combine(
                        Fuzz.near(seed.encoded(), all, maxRandom),
                        Arbitraries.frequencyOf(
                            Tuple.of(3, Arbitraries.of(seed.specs())),
                            Tuple.of(1, Arbitraries.of(ASYMMETRIC_SPECS))))
                    .as((input, spec) -> new Case(spec, input)));
  }

  @Provide
  Arbitrary<Case> pkcs8() {
    return cases(pkcs8, 300);
  }

  @Provide
  Arbitrary<Case> publicKeys() {
    return cases(publicKeys, 300);
  }

  @Provide
  Arbitrary<Case> pems() {
    return cases(pems, 400);
  }

  @Provide
  Arbitrary<KeySpec> secretSpecs() {
    return Arbitraries.of(SECRET_SPECS);
  }

  @Provide
  Arbitrary<byte[]> secrets() {
    // Lengths around every boundary (16, 32, 48, 64, 1024), and any up to 1100.
    return Arbitraries.oneOf(
            Arbitraries.integers().between(0, 70),
            Arbitraries.integers().between(1018, 1030),
            Arbitraries.integers().between(0, 1100))
        .flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n));
  }

  @Property
  void pkcs8_eitherImportsAKeyThatWorks_orThrowsInvalidKeyMaterial(@ForAll("pkcs8") Case c) {
    importAndUse(
        "PKCS#8 private key (importKey)", c.spec(), KeyMaterial.privateKeyPkcs8(c.input()));
  }

  @Property
  void x509_eitherImportsAKeyThatWorks_orThrowsInvalidKeyMaterial(@ForAll("publicKeys") Case c) {
    importAndUse("X.509 public key (importKey)", c.spec(), KeyMaterial.publicKeyX509(c.input()));
  }

  @Property
  void pem_eitherReadsAndImports_orThrowsInvalidKeyMaterial(
      @ForAll("pems") Case c, @ForAll boolean asPrivate) {
    String input = new String(c.input(), ISO_8859_1);
    Fuzz.Outcome<KeyMaterial> read =
        Fuzz.attempt(
            "PEM text (KeyMaterial.privateKeyPem, publicKeyPem)",
            () -> asPrivate ? KeyMaterial.privateKeyPem(input) : KeyMaterial.publicKeyPem(input),
            InvalidKeyMaterialException.class);
    if (read.worked()) {
      importAndUse("PEM key (importKey)", c.spec(), read.result());
    }
  }

  @Property
  void secret_importsExactlyTheDocumentedLengths_elseThrowsInvalidKeyMaterial(
      @ForAll("secrets") byte[] input, @ForAll("secretSpecs") KeySpec spec) {
    boolean worked = importAndUse("raw secret key (importKey)", spec, KeyMaterial.secretKey(input));
    // The rule of KeyMaterial.secretKey's javadoc, restated: 32 bytes for the AEAD keys, from the
    // hash's output length up to 1024 bytes for HMAC.
    int minimum =
        switch (spec.algorithm()) {
          case HMAC_SHA384 -> 48;
          case HMAC_SHA512 -> 64;
          default -> 32;
        };
    int maximum = spec.algorithm().kind() == Algorithm.Kind.MAC ? 1024 : 32;
    assertThat(worked)
        .as("%s key of %d bytes", spec.algorithm(), input.length)
        .isEqualTo(input.length >= minimum && input.length <= maximum);
  }

  /**
   * Imports {@code material} under {@code spec}: a refusal must be documented and leave the store
   * as it was; an imported key must work.
   *
   * @return whether the import worked
   */
  private static boolean importAndUse(String parser, KeySpec spec, KeyMaterial material) {
    String name = "k" + NAMES.incrementAndGet();
    Fuzz.Snapshot before = store.snapshot();
    Fuzz.Outcome<KeyHandle> outcome =
        Fuzz.attempt(
            parser, () -> hsm.importKey(name, spec, material), InvalidKeyMaterialException.class);
    if (!outcome.worked()) {
      store.assertUnchangedSince(before, "a refused import");
      return false;
    }
    KeyHandle key = outcome.result();
    Fuzz.attempt("imported key (use)", () -> use(key, spec.algorithm()));
    return true;
  }

  /**
   * Uses an imported key as its operations allow: a round trip with private or secret material; for
   * a public key, its PEM and JWK and a check of a wrong signature (or an encryption).
   */
  private static Void use(KeyHandle key, Algorithm algorithm) {
    boolean isPublic =
        !key.info().operations().contains(Operation.SIGN)
            && !key.info().operations().contains(Operation.DECRYPT);
    if (algorithm.isAsymmetric()) {
      assertThat(key.publicKeyPem()).startsWith("-----BEGIN PUBLIC KEY-----");
      assertThat(key.publicJwk()).contains("\"kid\"");
    }
    switch (algorithm.kind()) {
      case AEAD -> assertThat(key.decrypt(key.encrypt(DATA))).isEqualTo(DATA);
      case MAC -> key.verifyMac(DATA, key.mac(DATA));
      case ASYMMETRIC_ENCRYPTION -> {
        byte[] ciphertext = key.encrypt(DATA);
        if (!isPublic) {
          assertThat(key.decrypt(ciphertext)).isEqualTo(DATA);
        }
      }
      default -> {
        if (isPublic) {
          assertThatThrownBy(() -> key.verifyStandardSignature(DATA, new byte[64], 1))
              .isInstanceOf(VerificationFailedException.class);
        } else {
          key.verify(DATA, key.sign(DATA));
        }
      }
    }
    return null;
  }
}
