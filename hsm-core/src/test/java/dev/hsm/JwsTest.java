package dev.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** JWS made by the library, checked by nimbus-jose-jwt's own verifiers and the JDK's EdDSA. */
class JwsTest {
  private static final byte[] PAYLOAD = "{\"invoice\":1001}".getBytes(StandardCharsets.UTF_8);

  @TempDir static Path dir;
  static HsmClient hsm;

  @BeforeAll
  static void open() {
    hsm = TestStores.open(dir, "jws.db");
  }

  @AfterAll
  static void close() {
    hsm.close();
  }

  static Stream<KeySpec> asymmetricSpecs() {
    return Stream.of(
        KeySpec.ecdsaP256(),
        KeySpec.ecdsaP384(),
        KeySpec.ecdsaP521(),
        KeySpec.rsaPkcs1Sha256(2048),
        KeySpec.rsaPssSha256(2048),
        KeySpec.ed25519());
  }

  @ParameterizedTest
  @MethodSource("asymmetricSpecs")
  void signJws_isVerifiedByAnIndependentVerifierWithThePublicJwk(KeySpec spec) throws Exception {
    KeyHandle key = hsm.createKey("k-" + spec.algorithm().name().toLowerCase(), spec);

    String token = key.signJws(PAYLOAD);

    JWSObject parsed = JWSObject.parse(token);
    assertThat(parsed.getHeader().getAlgorithm().getName()).isEqualTo(spec.algorithm().joseName());
    assertThat(parsed.getHeader().getKeyID()).isEqualTo(key.name() + ":1");
    assertThat(parsed.getPayload().toBytes()).isEqualTo(PAYLOAD);
    assertThat(independentlyVerified(parsed, JWK.parse(key.publicJwk()), key.publicKeyPem()))
        .isTrue();
    assertThat(key.verifyJws(token)).isEqualTo(PAYLOAD);
  }

  private static boolean independentlyVerified(JWSObject jws, JWK jwk, String pem)
      throws Exception {
    if (jwk instanceof OctetKeyPair) {
      // nimbus's Ed25519 verifier needs Tink; the JDK's own EdDSA is just as independent.
      Signature ed25519 = Signature.getInstance("Ed25519");
      ed25519.initVerify(publicKey(pem, "Ed25519"));
      ed25519.update(jws.getSigningInput());
      return ed25519.verify(jws.getSignature().decode());
    }
    JWSVerifier verifier =
        jwk instanceof ECKey ? new ECDSAVerifier((ECKey) jwk) : new RSASSAVerifier((RSAKey) jwk);
    return jws.verify(verifier);
  }

  private static PublicKey publicKey(String pem, String algorithm) throws Exception {
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance(algorithm)
        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }

  @Test
  void hmacJws_isVerifiedByNimbusWithTheSharedKey_andNimbusTokensVerifyHere() throws Exception {
    byte[] secret = hsm.randomBytes(32);
    KeyHandle key = hsm.importKey("hs256", KeySpec.hmacSha256(), KeyMaterial.secretKey(secret));

    String ours = key.signJws(PAYLOAD);
    JWSObject theirs =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("hs256:1").build(),
            new Payload(PAYLOAD));
    theirs.sign(new MACSigner(secret));

    assertThat(JWSObject.parse(ours).verify(new MACVerifier(secret))).isTrue();
    assertThat(key.verifyJws(theirs.serialize())).isEqualTo(PAYLOAD);
  }

  @Test
  void verifyJws_afterRotation_acceptsOldTokens_andNewTokensNameTheNewVersion() {
    KeyHandle key = hsm.createKey("rotating", KeySpec.ed25519());
    String old = key.signJws(PAYLOAD);
    key.rotate();

    String fresh = key.signJws(PAYLOAD);

    assertThat(key.verifyJws(old)).isEqualTo(PAYLOAD);
    assertThat(key.verifyJws(fresh)).isEqualTo(PAYLOAD);
    assertThat(JwsTestSupport.kid(fresh)).isEqualTo("rotating:2");
  }

  @Test
  void verifyJws_refusesAlgNone_otherAlgorithms_otherKeys_tamperingAndGarbage() throws Exception {
    KeyHandle key = hsm.createKey("strict", KeySpec.ecdsaP256());
    KeyHandle other = hsm.createKey("strict-other", KeySpec.ecdsaP256());
    String token = key.signJws(PAYLOAD);
    String[] parts = token.split("\\.");
    String unsignedHeader =
        Base64URL.encode("{\"alg\":\"none\",\"kid\":\"strict:1\"}".getBytes(StandardCharsets.UTF_8))
            .toString();
    String hs256Header =
        Base64URL.encode(
                "{\"alg\":\"HS256\",\"kid\":\"strict:1\"}".getBytes(StandardCharsets.UTF_8))
            .toString();
    String tamperedPayload =
        Base64URL.encode("{\"invoice\":9999}".getBytes(StandardCharsets.UTF_8)).toString();

    for (String bad :
        new String[] {
          unsignedHeader + "." + parts[1] + ".",
          hs256Header + "." + parts[1] + "." + parts[2],
          parts[0] + "." + tamperedPayload + "." + parts[2],
          other.signJws(PAYLOAD),
          "not a jws",
          parts[0] + "." + parts[1],
          parts[0] + "." + parts[1] + ".AAAA"
        }) {
      assertThatThrownBy(() -> key.verifyJws(bad))
          .as(bad)
          .isInstanceOf(VerificationFailedException.class)
          .hasMessageContaining("'strict'");
    }
  }

  @Test
  void
      verifyJws_refusesCharactersOutsideBase64url_whichADecoderWouldSkip_butKeepsSurroundingSpace() {
    KeyHandle key = hsm.createKey("alphabet", KeySpec.ed25519());
    String token = key.signJws(PAYLOAD);
    String[] parts = token.split("\\.");

    for (String bad :
        new String[] {
          parts[0].substring(0, 4)
              + "\u0004"
              + parts[0].substring(4)
              + "."
              + parts[1]
              + "."
              + parts[2],
          parts[0] + "." + parts[1] + "=." + parts[2],
          parts[0] + "." + parts[1] + " ." + parts[2],
          token + ".",
        }) {
      assertThatThrownBy(() -> key.verifyJws(bad))
          .as(bad)
          .isInstanceOf(VerificationFailedException.class)
          .hasMessageContaining("'alphabet' is malformed");
    }
    assertThat(key.verifyJws(" " + token + "\r\n")).isEqualTo(PAYLOAD);
  }

  @Test
  void verifyJws_refusesAPartWhoseUnusedBitsAreNotZero_soEachTokenHasOneSpelling() {
    // Found by the JWS fuzz suite: the last character of a 64-byte ES256 signature carries 4 bits
    // no byte uses; a decoder ignores them, so 16 spellings of one token all verified.
    KeyHandle key = hsm.createKey("canonical", KeySpec.ecdsaP256());
    String token = key.signJws(PAYLOAD);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char last = token.charAt(token.length() - 1);
    String respelled =
        token.substring(0, token.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
    assertThat(Base64URL.from(respelled.split("\\.")[2]).decode())
        .as("the same signature bytes")
        .isEqualTo(Base64URL.from(token.split("\\.")[2]).decode());

    assertThatThrownBy(() -> key.verifyJws(respelled))
        .isInstanceOf(VerificationFailedException.class)
        .hasMessageContaining("'canonical' is malformed");
    assertThat(key.verifyJws(token)).isEqualTo(PAYLOAD);
  }

  @Test
  void signJws_withAnAesKey_throwsWrongKeyType() {
    KeyHandle key = hsm.createKey("aes-for-jws", KeySpec.aes256Gcm());

    assertThatThrownBy(() -> key.signJws(PAYLOAD)).isInstanceOf(WrongKeyTypeException.class);
    assertThatThrownBy(() -> key.verifyJws("a.b.c")).isInstanceOf(WrongKeyTypeException.class);
  }

  /** Small helper kept here so the test reads top to bottom. */
  static final class JwsTestSupport {
    static String kid(String token) {
      try {
        return JWSObject.parse(token).getHeader().getKeyID();
      } catch (java.text.ParseException e) {
        throw new AssertionError(e);
      }
    }
  }
}
