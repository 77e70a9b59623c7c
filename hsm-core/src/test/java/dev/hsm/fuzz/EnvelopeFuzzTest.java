package dev.hsm.fuzz;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.Operation;
import dev.hsm.OperationNotPermittedException;
import dev.hsm.VerificationFailedException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Attacks the binary envelopes and the forms made outside: ciphertext envelopes of every AEAD
 * algorithm and of RSA-OAEP ({@code decrypt}, {@code reencrypt}), signature envelopes of every
 * signature algorithm ({@code verify}), MAC envelopes of every HMAC ({@code verifyMac}), and the
 * standard forms ({@code verifyStandardSignature}, {@code verifyStandardMac}, {@code
 * decryptStandardOaep}), each fed mutations of genuine outputs of the key that checks them (and
 * splices with other keys' outputs, and random bytes).
 *
 * <p>Only a genuine output works; everything else throws the one exception documented for it:
 * {@link InvalidCiphertextException} for what is decrypted ({@link OperationNotPermittedException}
 * for a context in the reserved namespace), {@link VerificationFailedException} for what is
 * verified. The store is unchanged at the end.
 */
class EnvelopeFuzzTest {
  private static final byte[] PLAINTEXT = "fuzzed plaintext".getBytes(UTF_8);
  private static final byte[] CONTEXT = "order:42".getBytes(UTF_8);
  private static final byte[] DATA = "fuzzed data".getBytes(UTF_8);

  /** The contexts a ciphertext is decrypted with: its own, others, and a reserved one. */
  private static final List<byte[]> CONTEXTS =
      List.of(
          CONTEXT,
          new byte[0],
          "order:43".getBytes(UTF_8),
          "dev.hsm/v2/key-export".getBytes(UTF_8));

  private static Path dir;
  private static HsmClient hsm;
  private static Fuzz.StoreContent store;
  private static String contentBefore;

  private static List<Keyed> ciphertexts;
  private static List<Keyed> signatures;
  private static List<Keyed> macs;
  private static KeyHandle oaep;
  private static KeyHandle partner;
  private static KeyHandle partnerMac;
  private static byte[] standardSignature;
  private static byte[] standardTag;
  private static byte[] standardOaep;

  /** A key and the genuine outputs it accepts. */
  record Keyed(KeyHandle key, List<byte[]> outputs) {}

  /** An input for the key at {@code key} of a suite's list. */
  record Case(int key, byte[] input) {}

  @BeforeContainer
  static void open() throws Exception {
    dir = Fuzz.tempDir("envelope-fuzz");
    hsm = Fuzz.openStore(dir, "store.db");
    KeyHandle gcm = hsm.createKey("gcm", KeySpec.aes256Gcm());
    byte[] gcmVersion1 = gcm.encrypt(PLAINTEXT, CONTEXT);
    gcm.rotate();
    oaep = hsm.createKey("oaep", KeySpec.rsaOaepSha256(2048));
    ciphertexts = new ArrayList<>();
    ciphertexts.add(new Keyed(gcm, List.of(gcmVersion1, gcm.encrypt(PLAINTEXT, CONTEXT))));
    for (KeyHandle key :
        List.of(
            hsm.createKey("chacha", KeySpec.chacha20Poly1305()),
            hsm.createKey("siv", KeySpec.aes256GcmSiv()),
            oaep)) {
      ciphertexts.add(new Keyed(key, List.of(key.encrypt(PLAINTEXT, CONTEXT))));
    }

    signatures = new ArrayList<>();
    for (KeyHandle key :
        List.of(
            hsm.createKey("p256", KeySpec.ecdsaP256()),
            hsm.createKey("p384", KeySpec.ecdsaP384()),
            hsm.createKey("p521", KeySpec.ecdsaP521()),
            hsm.createKey("ed", KeySpec.ed25519()),
            hsm.createKey("pss", KeySpec.rsaPssSha256(2048)),
            hsm.createKey("pkcs1", KeySpec.rsaPkcs1Sha256(2048)))) {
      signatures.add(new Keyed(key, List.of(key.sign(DATA))));
    }
    signatures.get(0).key().rotate();
    signatures.set(
        0,
        new Keyed(
            signatures.get(0).key(),
            List.of(signatures.get(0).outputs().get(0), signatures.get(0).key().sign(DATA))));

    macs = new ArrayList<>();
    for (KeyHandle key :
        List.of(
            hsm.createKey("hs256", KeySpec.hmacSha256()),
            hsm.createKey("hs384", KeySpec.hmacSha384()),
            hsm.createKey("hs512", KeySpec.hmacSha512()))) {
      macs.add(new Keyed(key, List.of(key.mac(DATA))));
    }

    // A partner's keys, known here by their public key or shared secret: standard forms.
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    partner =
        hsm.importKey(
            "partner",
            KeySpec.ecdsaP256(),
            KeyMaterial.publicKeyX509(pair.getPublic().getEncoded()));
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(pair.getPrivate());
    signer.update(DATA);
    standardSignature = signer.sign();
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) 9);
    partnerMac =
        hsm.importKey(
            "partner-mac",
            KeySpec.hmacSha256().withOperations(Operation.VERIFY),
            KeyMaterial.secretKey(secret));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    standardTag = mac.doFinal(DATA);
    byte[] oaepEnvelope = oaep.encrypt(PLAINTEXT, CONTEXT);
    standardOaep = Arrays.copyOfRange(oaepEnvelope, 5, oaepEnvelope.length);

    store = new Fuzz.StoreContent(dir.resolve("store.db"));
    contentBefore = store.digest();
  }

  @AfterContainer
  static void close() {
    try {
      assertThat(store.digest()).as("what was refused wrote nothing").isEqualTo(contentBefore);
    } finally {
      store.close();
      hsm.close();
      Fuzz.deleteTree(dir);
    }
  }

  /** Inputs for each key near its own genuine outputs, spliced with any key's. */
  private static Arbitrary<Case> cases(List<Keyed> keys, int maxRandom) {
    List<byte[]> all = keys.stream().flatMap(k -> k.outputs().stream()).toList();
    return Arbitraries.integers()
        .between(0, keys.size() - 1)
        .flatMap(
            key ->
                Arbitraries.of(keys.get(key).outputs())
                    .flatMap(seed -> Fuzz.near(seed, all, maxRandom))
                    .map(input -> new Case(key, input)));
  }

  private static boolean isOneOf(byte[] input, List<byte[]> genuine) {
    return genuine.stream().anyMatch(g -> Arrays.equals(g, input));
  }

  @Provide
  Arbitrary<Case> ciphertexts() {
    return cases(ciphertexts, 400);
  }

  @Provide
  Arbitrary<Case> signatures() {
    return cases(signatures, 600);
  }

  @Provide
  Arbitrary<Case> macs() {
    return cases(macs, 100);
  }

  @Provide
  Arbitrary<byte[]> contexts() {
    return Arbitraries.of(CONTEXTS);
  }

  @Provide
  Arbitrary<Integer> versions() {
    return Arbitraries.oneOf(
        Arbitraries.just(1),
        Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE),
        Arbitraries.integers(),
        Arbitraries.integers().between(-2, 3));
  }

  @Property
  void ciphertextEnvelope_eitherDecryptsAsSealed_orThrowsInvalidCiphertext(
      @ForAll("ciphertexts") Case c,
      @ForAll("contexts") byte[] context,
      @ForAll boolean reencrypt) {
    Keyed keyed = ciphertexts.get(c.key());
    Fuzz.Outcome<byte[]> outcome =
        Fuzz.attempt(
            "ciphertext envelope (" + (reencrypt ? "reencrypt" : "decrypt") + ")",
            () ->
                reencrypt
                    ? keyed.key().reencrypt(c.input(), context)
                    : keyed.key().decrypt(c.input(), context),
            InvalidCiphertextException.class,
            OperationNotPermittedException.class);
    boolean reserved = Arrays.equals(context, CONTEXTS.get(3));
    assertThat(outcome.refusal() instanceof OperationNotPermittedException)
        .as("refused for its reserved context")
        .isEqualTo(reserved);
    if (outcome.worked()) {
      assertThat(isOneOf(c.input(), keyed.outputs())).as("only a genuine envelope opens").isTrue();
      assertThat(context).isEqualTo(CONTEXT);
      byte[] plaintext =
          reencrypt ? keyed.key().decrypt(outcome.result(), context) : outcome.result();
      assertThat(plaintext).isEqualTo(PLAINTEXT);
    }
  }

  @Property
  void signatureEnvelope_eitherVerifiesAsSigned_orThrowsVerificationFailed(
      @ForAll("signatures") Case c) {
    Keyed keyed = signatures.get(c.key());
    Fuzz.Outcome<Void> outcome =
        Fuzz.attempt(
            "signature envelope (verify)",
            () -> {
              keyed.key().verify(DATA, c.input());
              return null;
            },
            VerificationFailedException.class);
    if (outcome.worked()) {
      assertThat(isOneOf(c.input(), keyed.outputs())).as("only a genuine signature").isTrue();
    }
  }

  @Property
  void macEnvelope_eitherVerifiesAsComputed_orThrowsVerificationFailed(@ForAll("macs") Case c) {
    Keyed keyed = macs.get(c.key());
    Fuzz.Outcome<Void> outcome =
        Fuzz.attempt(
            "MAC envelope (verifyMac)",
            () -> {
              keyed.key().verifyMac(DATA, c.input());
              return null;
            },
            VerificationFailedException.class);
    if (outcome.worked()) {
      assertThat(isOneOf(c.input(), keyed.outputs())).as("only a genuine tag").isTrue();
    }
  }

  @Provide
  Arbitrary<byte[]> standardSignatures() {
    return Fuzz.near(List.of(standardSignature), 200);
  }

  @Provide
  Arbitrary<byte[]> standardTags() {
    return Fuzz.near(List.of(standardTag), 100);
  }

  @Provide
  Arbitrary<byte[]> standardOaep() {
    return Fuzz.near(List.of(standardOaep), 300);
  }

  @Property
  void standardSignature_eitherVerifies_orThrowsVerificationFailed(
      @ForAll("standardSignatures") byte[] input, @ForAll("versions") int version) {
    Fuzz.Outcome<Void> outcome =
        Fuzz.attempt(
            "standard-form signature (verifyStandardSignature)",
            () -> {
              partner.verifyStandardSignature(DATA, input, version);
              return null;
            },
            VerificationFailedException.class);
    if (outcome.worked()) {
      assertThat(input).isEqualTo(standardSignature);
      assertThat(version).isEqualTo(1);
    }
  }

  @Property
  void standardMac_eitherVerifies_orThrowsVerificationFailed(
      @ForAll("standardTags") byte[] input, @ForAll("versions") int version) {
    Fuzz.Outcome<Void> outcome =
        Fuzz.attempt(
            "standard-form MAC tag (verifyStandardMac)",
            () -> {
              partnerMac.verifyStandardMac(DATA, input, version);
              return null;
            },
            VerificationFailedException.class);
    if (outcome.worked()) {
      assertThat(input).isEqualTo(standardTag);
      assertThat(version).isEqualTo(1);
    }
  }

  @Property
  void standardOaepCiphertext_eitherDecrypts_orThrowsInvalidCiphertext(
      @ForAll("standardOaep") byte[] input,
      @ForAll("versions") int version,
      @ForAll("contexts") byte[] label) {
    Fuzz.Outcome<byte[]> outcome =
        Fuzz.attempt(
            "standard-form RSA-OAEP ciphertext (decryptStandardOaep)",
            () -> oaep.decryptStandardOaep(input, label, version),
            InvalidCiphertextException.class,
            OperationNotPermittedException.class);
    assertThat(outcome.refusal() instanceof OperationNotPermittedException)
        .as("refused for its reserved label")
        .isEqualTo(Arrays.equals(label, CONTEXTS.get(3)));
    if (outcome.worked()) {
      assertThat(input).isEqualTo(standardOaep);
      assertThat(label).isEqualTo(CONTEXT);
      assertThat(outcome.result()).isEqualTo(PLAINTEXT);
    }
  }
}
