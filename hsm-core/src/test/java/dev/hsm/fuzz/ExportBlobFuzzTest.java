package dev.hsm.fuzz;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hsm.Algorithm;
import dev.hsm.ExportBlobs;
import dev.hsm.HsmAdmin;
import dev.hsm.HsmClient;
import dev.hsm.InvalidCiphertextException;
import dev.hsm.InvalidKeyMaterialException;
import dev.hsm.KeyDisabledException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import dev.hsm.KeyState;
import dev.hsm.KeyVersionDestroyedException;
import dev.hsm.Operation;
import dev.hsm.OperationNotPermittedException;
import dev.hsm.VerificationFailedException;
import dev.hsm.VersionBelowMinimumException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Attacks {@code importExportedKey} twice over.
 *
 * <p>Exports near genuine ones (format 2, made by another store's {@code exportKey}): mutated,
 * spliced, random. They reach the layout parser and the signature check, and none but a genuine
 * export passes it; the documented refusals are {@link VerificationFailedException}, {@link
 * InvalidCiphertextException} and {@link InvalidKeyMaterialException}.
 *
 * <p>Exports forged around mutated payloads: the JSON inside a genuine export (attributes,
 * versions, states, material) with fields removed, retyped, set to boundary values or taken from
 * another key's export, then encrypted for this store's transport key and signed by a signer this
 * store trusts, so that every input reaches the payload's reader and the custody's import of the
 * material. Each is refused with {@link InvalidKeyMaterialException}, or becomes a key whose every
 * version loads: using it works or is refused for its state or policy, never for its integrity.
 *
 * <p>A refused import stores nothing but its refusal, in the audit log, as documented.
 */
class ExportBlobFuzzTest {
  private static final byte[] DATA = "exported".getBytes(UTF_8);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path dir;
  private static HsmClient source;
  private static HsmClient target;
  private static HsmAdmin admin;
  private static Fuzz.StoreContent store;
  private static List<byte[]> exports;
  private static List<byte[]> payloads;
  private static String transportPem;
  private static String forgerPem;
  private static KeyPair forger;
  private static final AtomicInteger NAMES = new AtomicInteger();

  @BeforeContainer
  static void open() throws Exception {
    dir = Fuzz.tempDir("export-fuzz");
    source = Fuzz.openStore(dir, "source.db");
    target = Fuzz.openStore(dir, "target.db");
    admin = target.admin();

    // This store's transport key, imported so that the test can read what is sent to it.
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair transport = rsa.generateKeyPair();
    transportPem =
        admin
            .importKey(
                "transport",
                KeySpec.rsaOaepSha256(2048),
                KeyMaterial.privateKeyPkcs8(transport.getPrivate().getEncoded()))
            .publicKeyPem();

    KeyHandle aes = source.createKey("aes", KeySpec.aes256Gcm().withExtractable(true));
    aes.rotate();
    aes.disableVersion(1);
    source.createKey("ec", KeySpec.ecdsaP256().withExtractable(true));
    source.createKey("ed", KeySpec.ed25519().withExtractable(true).withLabel("team", "payments"));
    source.createKey(
        "hmac", KeySpec.hmacSha512().withOperations(Operation.VERIFY).withExtractable(true));
    source.createKey("rsa", KeySpec.rsaOaepSha256(2048).withExtractable(true));
    KeyPairGenerator ecGenerator = KeyPairGenerator.getInstance("EC");
    ecGenerator.initialize(new ECGenParameterSpec("secp384r1"));
    source.importKey(
        "public",
        KeySpec.ecdsaP384().withOperations(Operation.VERIFY).withExtractable(true),
        KeyMaterial.publicKeyX509(ecGenerator.generateKeyPair().getPublic().getEncoded()));

    exports = new ArrayList<>();
    for (String signer : List.of("ec-signer", "ed-signer")) {
      KeyHandle signing =
          source.createKey(
              signer, signer.startsWith("ec") ? KeySpec.ecdsaP256() : KeySpec.ed25519());
      admin.importKey(
          signer,
          (signer.startsWith("ec") ? KeySpec.ecdsaP256() : KeySpec.ed25519())
              .withOperations(Operation.VERIFY),
          KeyMaterial.publicKeyPem(signing.publicKeyPem()));
      for (String key : List.of("aes", "ec", "hmac")) {
        exports.add(source.admin().exportKey(key, transportPem, signer));
      }
    }
    payloads = new ArrayList<>();
    for (String key : List.of("aes", "ec", "ed", "hmac", "rsa", "public")) {
      byte[] export = source.admin().exportKey(key, transportPem, "ec-signer");
      payloads.add(ExportBlobs.openPayload(export, transport.getPrivate()));
    }

    // A signer this store trusts, whose private key the test holds: it signs forged exports.
    ecGenerator.initialize(new ECGenParameterSpec("secp256r1"));
    forger = ecGenerator.generateKeyPair();
    forgerPem =
        admin
            .importKey(
                "forger",
                KeySpec.ecdsaP256().withOperations(Operation.VERIFY),
                KeyMaterial.publicKeyX509(forger.getPublic().getEncoded()))
            .publicKeyPem();
    store = new Fuzz.StoreContent(dir.resolve("target.db"));
  }

  @AfterContainer
  static void close() {
    store.close();
    source.close();
    target.close();
    Fuzz.deleteTree(dir);
  }

  // ---------------------------------------------------------------- exports near genuine ones

  @Provide
  Arbitrary<byte[]> exports() {
    return Fuzz.near(exports, 700);
  }

  @Property
  void export_eitherImportsAsExported_orIsRefusedAsDocumented_andStoresNothing(
      @ForAll("exports") byte[] input, @ForAll boolean edSigner) {
    String name = "imported-" + NAMES.incrementAndGet();
    Fuzz.Snapshot before = store.snapshot();
    Fuzz.Outcome<KeyHandle> outcome =
        Fuzz.attempt(
            "key export (importExportedKey)",
            () ->
                admin.importExportedKey(
                    name, input, "transport", edSigner ? "ed-signer" : "ec-signer"),
            VerificationFailedException.class,
            InvalidCiphertextException.class,
            InvalidKeyMaterialException.class);
    if (!outcome.worked()) {
      store.assertUnchangedSince(before, "a refused import");
      assertThat(store.auditSince(before))
          .as("the refusal is audited")
          .contains(List.of("key.import-exported", name, "refused"));
      return;
    }
    int index = -1;
    for (int i = 0; i < exports.size(); i++) {
      if (Arrays.equals(exports.get(i), input)) {
        index = i;
      }
    }
    assertThat(index).as("only a genuine export imports").isNotNegative();
    assertThat(index >= 3).as("signed by the signer named").isEqualTo(edSigner);
    assertUsable(outcome.result());
  }

  // ---------------------------------------------------------------- forged around payloads

  @Provide
  Arbitrary<byte[]> payloads() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.of(payloads)),
        Tuple.of(
            8,
            Arbitraries.of(payloads)
                .flatMap(seed -> Arbitraries.longs().map(s -> mutatePayload(seed, new Random(s))))),
        Tuple.of(1, Fuzz.near(payloads, 300)));
  }

  @Property
  void forgedPayload_isRefusedAsInvalidKeyMaterial_orBecomesAKeyThatLoads(
      @ForAll("payloads") byte[] payload) throws GeneralSecurityException {
    byte[] unsigned = ExportBlobs.unsigned(transportPem, forgerPem, "ECDSA_P256_SHA256", payload);
    Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
    ecdsa.initSign(forger.getPrivate());
    ecdsa.update(ExportBlobs.signingInput(unsigned));
    byte[] export = ExportBlobs.concat(unsigned, ecdsa.sign());

    String name = "forged-" + NAMES.incrementAndGet();
    Fuzz.Snapshot before = store.snapshot();
    Fuzz.Outcome<KeyHandle> outcome =
        Fuzz.attempt(
            "key export payload (importExportedKey)",
            () -> admin.importExportedKey(name, export, "transport", "forger"),
            InvalidKeyMaterialException.class);
    if (!outcome.worked()) {
      store.assertUnchangedSince(before, "a refused import");
      assertThat(store.auditSince(before))
          .as("the refusal is audited")
          .contains(List.of("key.import-exported", name, "refused"));
      return;
    }
    assertUsable(outcome.result());
  }

  /**
   * An imported key loads and works: its primary version makes an output that it then accepts, or
   * is refused for the key's state or policy (a disabled or verify-only key), never because the key
   * cannot be read; every version it names loads, so an envelope naming it is refused only as
   * invalid or for the version's state.
   */
  private static void assertUsable(KeyHandle key) {
    KeyInfo info =
        Fuzz.attempt("imported key (info)", () -> target.key(key.name()).info()).result();
    Fuzz.attempt(
        "imported key (primary version)",
        () -> usePrimary(key, info.algorithm()),
        KeyDisabledException.class,
        OperationNotPermittedException.class);
    for (int version = 1; version <= info.versions().size() + 1; version++) {
      byte[] header = {0, 0, 0, 0, (byte) version};
      Fuzz.attempt(
          "imported key (each version)",
          () -> checkVersion(key, info.algorithm(), header),
          KeyDisabledException.class,
          KeyVersionDestroyedException.class,
          OperationNotPermittedException.class,
          VersionBelowMinimumException.class,
          VerificationFailedException.class,
          InvalidCiphertextException.class);
    }
  }

  private static Void usePrimary(KeyHandle key, Algorithm algorithm) {
    switch (algorithm.kind()) {
      case AEAD, ASYMMETRIC_ENCRYPTION ->
          assertThat(key.decrypt(key.encrypt(DATA))).isEqualTo(DATA);
      case MAC -> key.verifyMac(DATA, key.mac(DATA));
      default -> key.verify(DATA, key.sign(DATA));
    }
    return null;
  }

  /** Checks an envelope with {@code header}'s version and a body of zeros. */
  private static Void checkVersion(KeyHandle key, Algorithm algorithm, byte[] header) {
    byte[] envelope = Arrays.copyOf(header, 5 + 300);
    switch (algorithm.kind()) {
      case AEAD, ASYMMETRIC_ENCRYPTION -> {
        envelope[0] = 0x01;
        key.decrypt(envelope);
      }
      case MAC -> {
        envelope[0] = 0x05;
        key.verifyMac(DATA, envelope);
      }
      default -> {
        envelope[0] = 0x04;
        key.verify(DATA, envelope);
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- payload mutations

  /** One to three structural changes to the JSON of {@code seed}; sometimes bytes mutated too. */
  private static byte[] mutatePayload(byte[] seed, Random random) {
    try {
      ObjectNode root = (ObjectNode) JSON.readTree(seed);
      for (int round = 0, rounds = 1 + random.nextInt(3); round < rounds; round++) {
        mutateOnce(root, random);
      }
      byte[] out = JSON.writeValueAsBytes(root);
      return random.nextInt(8) == 0 ? Fuzz.mutate(out, random) : out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void mutateOnce(ObjectNode root, Random random) throws IOException {
    List<ObjectNode> objects = new ArrayList<>();
    objects.add(root);
    JsonNode versions = root.get("versions");
    if (versions instanceof ArrayNode array) {
      array.forEach(v -> objects.add(v instanceof ObjectNode o ? o : root));
    }
    ObjectNode object = objects.get(random.nextInt(objects.size()));
    List<String> fields = new ArrayList<>();
    object.fieldNames().forEachRemaining(fields::add);
    if (fields.isEmpty()) {
      return;
    }
    String field = fields.get(random.nextInt(fields.size()));
    switch (random.nextInt(6)) {
      case 0 -> object.remove(field);
      case 1, 2 -> object.set(field, valueFor(field, random));
      case 3 -> object.set(field, valueFromAnotherPayload(field, random));
      case 4 -> {
        if (versions instanceof ArrayNode array && !array.isEmpty()) {
          switch (random.nextInt(3)) {
            case 0 -> array.add(array.get(random.nextInt(array.size())).deepCopy());
            case 1 -> array.remove(random.nextInt(array.size()));
            default -> array.removeAll();
          }
        }
      }
      default -> object.set(field, anyValue(random));
    }
  }

  private static JsonNode valueFor(String field, Random random) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    List<String> texts =
        switch (field) {
          case "algorithm" -> names(Algorithm.values());
          case "materialForm" -> names(KeyMaterial.Form.values());
          case "state" -> names(KeyState.values());
          case "operations" ->
              List.of(
                  "ENCRYPT,DECRYPT",
                  "SIGN,VERIFY",
                  "SIGN",
                  "VERIFY",
                  "ENCRYPT",
                  "DECRYPT",
                  "",
                  "SIGN,FOO",
                  "SIGN,,VERIFY",
                  "VERIFY,VERIFY");
          case "material" -> materials(random);
          default -> List.of();
        };
    if (!texts.isEmpty() && random.nextInt(4) != 0) {
      return f.textNode(texts.get(random.nextInt(texts.size())));
    }
    if (field.equals("labels")) {
      return List.of(
              f.objectNode(),
              f.objectNode().put("a", 1),
              f.objectNode().put("dev.hsm/x", "y"),
              f.objectNode().put("", ""),
              f.objectNode().putNull("a"))
          .get(random.nextInt(5));
    }
    long[] numbers = {
      0,
      1,
      2,
      3,
      -1,
      2048,
      3072,
      4096,
      255,
      Integer.MAX_VALUE,
      Integer.MIN_VALUE,
      1L << 31,
      Long.MAX_VALUE,
      Long.MIN_VALUE
    };
    return random.nextInt(8) == 0
        ? f.numberNode(1.5)
        : f.numberNode(numbers[random.nextInt(numbers.length)]);
  }

  private static List<String> materials(Random random) {
    List<String> out = new ArrayList<>();
    for (int length : new int[] {0, 16, 31, 32, 33, 48, 64, 1025}) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      out.add(Base64.getEncoder().encodeToString(bytes));
    }
    out.add("not base64!");
    out.add("QUJD");
    return out;
  }

  private static JsonNode valueFromAnotherPayload(String field, Random random) throws IOException {
    JsonNode other = JSON.readTree(payloads.get(random.nextInt(payloads.size())));
    if (other.has(field)) {
      return other.get(field);
    }
    JsonNode versions = other.get("versions");
    if (versions != null && !versions.isEmpty()) {
      JsonNode version = versions.get(random.nextInt(versions.size()));
      if (version.has(field)) {
        return version.get(field);
      }
    }
    return anyValue(random);
  }

  private static JsonNode anyValue(Random random) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return List.of(
            f.nullNode(),
            f.booleanNode(true),
            f.textNode("x"),
            f.textNode(""),
            f.arrayNode(),
            f.objectNode(),
            f.numberNode(-1),
            f.numberNode(0))
        .get(random.nextInt(8));
  }

  private static List<String> names(Enum<?>[] values) {
    List<String> names = new ArrayList<>();
    for (Enum<?> value : values) {
      names.add(value.name());
    }
    names.add("");
    names.add("FOO");
    return names;
  }
}
