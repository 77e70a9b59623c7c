package dev.hsm;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.annotation.AnnotatedMethod;
import dev.hsm.annotation.Signed;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cross-protocol forgery an outside review found, performed for real: a raw signature or MAC
 * made by {@code sign()} or {@code mac()} over bytes of the form {@code header.payload} was a valid
 * JWS signature, and a JWS signature was a valid raw signature over {@code header.payload}. Both
 * directions must fail closed.
 */
class CrossProtocolForgeryTest {
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder FROM_BASE64URL = Base64.getUrlDecoder();
  private static final String FORGED_CLAIMS = "{\"order\":\"42\",\"refund\":1000000}";

  @TempDir static Path dir;
  static HsmClient hsm;

  @BeforeAll
  static void open() {
    hsm = TestStores.open(dir, "forgery.db");
    hsm.createKey("receipts", KeySpec.ecdsaP256());
  }

  @AfterAll
  static void close() {
    hsm.close();
  }

  static Stream<KeySpec> everyKeyThatSignsJws() {
    return Stream.of(
        KeySpec.ecdsaP256(),
        KeySpec.ecdsaP384(),
        KeySpec.ecdsaP521(),
        KeySpec.ed25519(),
        KeySpec.rsaPkcs1Sha256(2048),
        KeySpec.rsaPssSha256(2048),
        KeySpec.hmacSha256(),
        KeySpec.hmacSha512());
  }

  private static KeyHandle key(KeySpec spec) {
    String name = "victim-" + spec.algorithm().name().toLowerCase();
    return hsm.findKey(name).orElseGet(() -> hsm.createKey(name, spec));
  }

  private static boolean isMac(KeyHandle key) {
    return key.info().algorithm().kind() == Algorithm.Kind.MAC;
  }

  /** What an attacker who may call {@code sign()} or {@code mac()} on chosen bytes gets back. */
  private static byte[] rawOutput(KeyHandle key, byte[] data) {
    return isMac(key) ? key.mac(data) : key.sign(data);
  }

  private static void verifyRaw(KeyHandle key, byte[] data, byte[] envelope) {
    if (isMac(key)) {
      key.verifyMac(data, envelope);
    } else {
      key.verify(data, envelope);
    }
  }

  /** The attacker's protected header, the same as the victim's own JWS would carry. */
  private static String header(KeyHandle key) {
    String json =
        "{\"kid\":\""
            + key.name()
            + ":"
            + key.info().primaryVersion()
            + "\",\"alg\":\""
            + key.info().algorithm().joseName()
            + "\"}";
    return BASE64URL.encodeToString(json.getBytes(UTF_8));
  }

  /** A compact JWS for chosen claims, its signature taken from a raw envelope over its input. */
  private static String jwsForgedFromRawOutput(KeyHandle key, String claims) {
    String signingInput = header(key) + "." + BASE64URL.encodeToString(claims.getBytes(UTF_8));
    byte[] envelope = rawOutput(key, signingInput.getBytes(US_ASCII));
    byte[] signature = Arrays.copyOfRange(envelope, 5, envelope.length);
    return signingInput + "." + BASE64URL.encodeToString(signature);
  }

  private static byte[] envelope(int format, int version, byte[] payload) {
    return ByteBuffer.allocate(5 + payload.length)
        .put((byte) format)
        .putInt(version)
        .put(payload)
        .array();
  }

  @ParameterizedTest
  @MethodSource("everyKeyThatSignsJws")
  void rawSignatureOverAJwsSigningInput_isNotAValidJws(KeySpec spec) {
    KeyHandle key = key(spec);

    String forged = jwsForgedFromRawOutput(key, FORGED_CLAIMS);

    assertThatThrownBy(() -> key.verifyJws(forged))
        .isInstanceOf(VerificationFailedException.class)
        .hasMessageContaining("does not verify")
        .hasMessageContaining("'" + key.name() + "'");
  }

  @ParameterizedTest
  @MethodSource("everyKeyThatSignsJws")
  void rawSignatureWithItsEnvelopeHeaderSmuggledIntoTheToken_isNotAValidJws(KeySpec spec) {
    KeyHandle key = key(spec);
    String signingInput =
        header(key) + "." + BASE64URL.encodeToString(FORGED_CLAIMS.getBytes(UTF_8));
    byte[] envelope = rawOutput(key, signingInput.getBytes(US_ASCII));
    String headerAsText = new String(Arrays.copyOf(envelope, 5), ISO_8859_1);
    String signature = BASE64URL.encodeToString(Arrays.copyOfRange(envelope, 5, envelope.length));

    for (String forged :
        new String[] {
          headerAsText + signingInput + "." + signature,
          signingInput.substring(0, 8) + headerAsText + signingInput.substring(8) + "." + signature
        }) {
      assertThatThrownBy(() -> key.verifyJws(forged))
          .isInstanceOf(VerificationFailedException.class)
          .hasMessageContaining("'" + key.name() + "'");
    }
  }

  @Test
  void rawSignatureOverAJwsSigningInput_isRefusedByASignedParameter() throws Exception {
    KeyHandle key = hsm.key("receipts");
    AnnotatedMethod endpoint =
        AnnotatedMethod.of(Refunds.class.getDeclaredMethod("refund", String.class), hsm::key)
            .orElseThrow();

    String forged = jwsForgedFromRawOutput(key, FORGED_CLAIMS);

    assertThatThrownBy(() -> endpoint.incoming(new Object[] {forged}))
        .isInstanceOf(VerificationFailedException.class)
        .hasMessageContaining("does not verify");
  }

  @SuppressWarnings("unused")
  static class Refunds {
    String refund(@Signed(key = "receipts") String order) {
      return order;
    }
  }

  /** A JWS made by the key, taken apart: what an attacker who saw one token holds. */
  private record Token(byte[] signingInput, byte[] signature) {
    static Token of(String jws) {
      String[] parts = jws.split("\\.");
      return new Token(
          (parts[0] + "." + parts[1]).getBytes(US_ASCII), FROM_BASE64URL.decode(parts[2]));
    }
  }

  @ParameterizedTest
  @MethodSource("everyKeyThatSignsJws")
  void jwsSignatureRepackagedAsAFormat2Envelope_doesNotVerifyTheSigningInput(KeySpec spec) {
    KeyHandle key = key(spec);
    Token token = Token.of(key.signJws(FORGED_CLAIMS.getBytes(UTF_8)));
    int version = key.info().primaryVersion();
    byte[] envelope = envelope(isMac(key) ? 0x05 : 0x04, version, token.signature());

    assertThatThrownBy(() -> verifyRaw(key, token.signingInput(), envelope))
        .isInstanceOf(VerificationFailedException.class)
        .hasMessageContaining("does not verify with key '" + key.name() + "'");
  }

  @ParameterizedTest
  @MethodSource("everyKeyThatSignsJws")
  void jwsSignatureRepackagedAsAFormat1Envelope_isRefusedAsARetiredFormat(KeySpec spec) {
    KeyHandle key = key(spec);
    Token token = Token.of(key.signJws(FORGED_CLAIMS.getBytes(UTF_8)));
    int version = key.info().primaryVersion();
    byte[] envelope = envelope(isMac(key) ? 0x03 : 0x02, version, token.signature());

    assertThatThrownBy(() -> verifyRaw(key, token.signingInput(), envelope))
        .isInstanceOf(RetiredEnvelopeFormatException.class)
        .hasMessageContaining("'" + key.name() + "'")
        .hasMessageContaining("format-1")
        .hasMessageContaining(isMac(key) ? "mac()" : "sign()")
        .hasMessageContaining("docs/FORMATS.md");
  }

  @ParameterizedTest
  @MethodSource("everyKeyThatSignsJws")
  void jwsSignatureOfferedAsAStandardFormSignature_isRefusedByTheKeyThatMadeIt(KeySpec spec) {
    KeyHandle key = key(spec);
    Token token = Token.of(key.signJws(FORGED_CLAIMS.getBytes(UTF_8)));
    int version = key.info().primaryVersion();

    assertThatThrownBy(
            () -> {
              if (isMac(key)) {
                key.verifyStandardMac(token.signingInput(), token.signature(), version);
              } else {
                key.verifyStandardSignature(token.signingInput(), token.signature(), version);
              }
            })
        .isInstanceOf(OperationNotPermittedException.class)
        .hasMessageContaining("key '" + key.name() + "' allows SIGN");
  }

  @ParameterizedTest
  @MethodSource("everyKeyThatSignsJws")
  void genuineEnvelopesAndTokens_stillVerify(KeySpec spec) {
    KeyHandle key = key(spec);
    byte[] claims = FORGED_CLAIMS.getBytes(UTF_8);

    verifyRaw(key, claims, rawOutput(key, claims));
    assertThat(key.verifyJws(key.signJws(claims))).isEqualTo(claims);
  }
}
