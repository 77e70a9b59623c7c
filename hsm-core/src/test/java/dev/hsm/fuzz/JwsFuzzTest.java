package dev.hsm.fuzz;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.VerificationFailedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Attacks {@code verifyJws}, the compact JWS parser, for every algorithm that signs JWS (ECDSA,
 * Ed25519, RSA-PSS, RSA PKCS#1, HMAC): tokens near each key's genuine one, with bytes mutated,
 * parts swapped between tokens of different keys, a base64url character changed (so the token stays
 * well-formed and reaches the signature check), and headers rewritten: {@code alg} {@code none} or
 * another key's, {@code kid} missing, of another key or of odd numbers, {@code crit}, wrong JSON
 * types, deep nesting, or the genuine header's JSON mutated.
 *
 * <p>Only the genuine token (surrounding whitespace aside) verifies; every other input throws
 * {@link VerificationFailedException}, the one exception documented for {@code verifyJws}.
 */
class JwsFuzzTest {
  private static final byte[] PAYLOAD = "{\"sub\":\"fuzz\",\"n\":42}".getBytes(UTF_8);
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private static Path dir;
  private static HsmClient hsm;
  private static List<KeyHandle> keys;
  private static List<String> tokens;

  /** A token for the key at {@code key}. */
  record Case(int key, String token) {}

  @BeforeContainer
  static void open() {
    dir = Fuzz.tempDir("jws-fuzz");
    hsm = Fuzz.openStore(dir, "store.db");
    keys =
        List.of(
            hsm.createKey("es256", KeySpec.ecdsaP256()),
            hsm.createKey("es512", KeySpec.ecdsaP521()),
            hsm.createKey("eddsa", KeySpec.ed25519()),
            hsm.createKey("ps256", KeySpec.rsaPssSha256(2048)),
            hsm.createKey("rs256", KeySpec.rsaPkcs1Sha256(2048)),
            hsm.createKey("hs256", KeySpec.hmacSha256()),
            hsm.createKey("hs512", KeySpec.hmacSha512()));
    tokens = new ArrayList<>();
    for (KeyHandle key : keys) {
      tokens.add(key.signJws(PAYLOAD));
    }
  }

  @AfterContainer
  static void close() {
    hsm.close();
    Fuzz.deleteTree(dir);
  }

  @Provide
  Arbitrary<Case> tokens() {
    return Arbitraries.integers()
        .between(0, keys.size() - 1)
        .flatMap(key -> tokensFor(key).map(token -> new Case(key, token)));
  }

  private static Arbitrary<String> tokensFor(int key) {
    String own = tokens.get(key);
    Arbitrary<Random> randoms = Arbitraries.longs().map(Random::new);
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.of(own, " " + own + "\n", own + ".", "." + own)),
        Tuple.of(4, Fuzz.nearText(List.of(own), 600)),
        Tuple.of(3, randoms.map(JwsFuzzTest::mixedParts)),
        Tuple.of(3, randoms.map(random -> changedCharacter(own, random))),
        Tuple.of(
            4,
            Combinators.combine(headers(key), randoms)
                .as((header, random) -> withHeader(own, header, random))));
  }

  /** Header, payload and signature each taken from any token. */
  private static String mixedParts(Random random) {
    String[] parts = new String[3];
    for (int i = 0; i < 3; i++) {
      parts[i] = tokens.get(random.nextInt(tokens.size())).split("\\.")[i];
    }
    return String.join(".", parts);
  }

  /** One base64url character replaced by another: still a well-formed token. */
  private static String changedCharacter(String token, Random random) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char[] chars = token.toCharArray();
    int at = random.nextInt(chars.length);
    if (chars[at] != '.') {
      chars[at] = alphabet.charAt(random.nextInt(alphabet.length()));
    }
    return new String(chars);
  }

  /** The genuine token with its header replaced by {@code header} (JSON text), base64url. */
  private static String withHeader(String token, String header, Random random) {
    String[] parts = token.split("\\.");
    String payload = random.nextInt(4) == 0 ? B64URL.encodeToString(new byte[0]) : parts[1];
    return B64URL.encodeToString(header.getBytes(ISO_8859_1)) + "." + payload + "." + parts[2];
  }

  /** Headers for the key at {@code key}: crafted ones and its genuine header's JSON mutated. */
  private static Arbitrary<String> headers(int key) {
    String name = keys.get(key).name();
    String genuine =
        new String(Base64.getUrlDecoder().decode(tokens.get(key).split("\\.")[0]), ISO_8859_1);
    String alg = genuine.replaceAll(".*\"alg\":\"([^\"]*)\".*", "$1");
    List<String> crafted = new ArrayList<>();
    for (String otherAlg :
        List.of("none", "None", "ES256", "EdDSA", "PS256", "RS256", "HS256", "HS512", "")) {
      crafted.add("{\"alg\":\"" + otherAlg + "\",\"kid\":\"" + name + ":1\"}");
    }
    for (String kid :
        List.of(
            name + ":2",
            name + ":0",
            name + ":-1",
            name + ":+1",
            name + ":01",
            name + ":1 ",
            name + ":",
            name + ":4294967297",
            name + ":99999999999999999999",
            name,
            "es256:1",
            ":1",
            "")) {
      crafted.add("{\"alg\":\"" + alg + "\",\"kid\":\"" + kid + "\"}");
    }
    crafted.add("{\"alg\":\"" + alg + "\"}");
    crafted.add("{\"alg\":\"" + alg + "\",\"kid\":1}");
    crafted.add("{\"alg\":\"" + alg + "\",\"kid\":null}");
    crafted.add("{\"alg\":null,\"kid\":\"" + name + ":1\"}");
    crafted.add("{\"alg\":1,\"kid\":\"" + name + ":1\"}");
    crafted.add("{\"alg\":\"" + alg + "\",\"kid\":\"" + name + ":1\",\"crit\":[\"exp\"]}");
    crafted.add("{\"alg\":\"" + alg + "\",\"kid\":\"" + name + ":1\",\"crit\":[]}");
    crafted.add("{\"alg\":\"" + alg + "\",\"kid\":\"" + name + ":1\",\"crit\":\"b64\"}");
    crafted.add(
        "{\"alg\":\"" + alg + "\",\"kid\":\"" + name + ":1\",\"b64\":false,\"crit\":[\"b64\"]}");
    crafted.add("{\"alg\":\"" + alg + "\",\"kid\":\"" + name + ":1\",\"alg\":\"none\"}");
    crafted.add("{\"alg\":\"none\",\"kid\":\"" + name + ":1\",\"alg\":\"" + alg + "\"}");
    crafted.add(
        "{\"alg\":\""
            + alg
            + "\",\"kid\":\""
            + name
            + ":1\",\"x\":"
            + "[".repeat(5000)
            + "]".repeat(5000)
            + "}");
    crafted.add(
        "{\"alg\":\""
            + alg
            + "\",\"kid\":\""
            + name
            + ":1\",\"x\":"
            + "{\"a\":".repeat(5000)
            + "1"
            + "}".repeat(5000)
            + "}");
    crafted.add("{\"alg\":\"" + alg + "\",\"kid\":\"" + name + ":1\",\"n\":1e999999999}");
    crafted.add(
        "{\"alg\":\""
            + alg
            + "\",\"kid\":\""
            + name
            + ":1\",\"jwk\":{\"kty\":\"oct\",\"k\":\"AA\"}}");
    crafted.add(
        "{\"alg\":\"" + alg + "\",\"kid\":\"" + name + ":1\",\"typ\":\"JWT\",\"cty\":\"JWT\"}");
    crafted.add("[\"" + alg + "\"]");
    crafted.add("\"" + alg + "\"");
    crafted.add("null");
    crafted.add("");
    crafted.add("{");
    crafted.add("{\"alg\":\"" + alg + "\",\"kid\":\"" + name + ":1\"");
    crafted.add("{\"alg\":\"" + alg + "\",\"kid\":\"" + name + ":1\\u0000\"}");
    crafted.add("{\"alg\":\"" + alg + "\",\"kid\":\"" + name + ":1\\ud800\"}");
    return Arbitraries.oneOf(Arbitraries.of(crafted), Fuzz.nearText(List.of(genuine), 200));
  }

  @Property
  void jws_onlyTheGenuineTokenVerifies_elseVerificationFailed(@ForAll("tokens") Case c) {
    KeyHandle key = keys.get(c.key());
    Fuzz.Outcome<byte[]> outcome =
        Fuzz.attempt(
            "JWS (verifyJws)", () -> key.verifyJws(c.token()), VerificationFailedException.class);
    if (outcome.worked()) {
      assertThat(c.token().trim()).as("only the genuine token").isEqualTo(tokens.get(c.key()));
      assertThat(outcome.result()).isEqualTo(PAYLOAD);
    }
  }
}
