package dev.hsm.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hsm jws}: tokens of a file or of stdin that nimbus-jose-jwt verifies with the JWK set
 * {@code hsm key public --format jwks} exports, every enabled version in it; {@code hsm jws verify}
 * prints the payload of a good token and exits 6 on a bad one.
 */
class CliJwsTest {
  @TempDir Path dir;
  private Cli cli;

  @BeforeEach
  void store() throws Exception {
    cli = Cli.withKeyFileStore(dir, "jws");
    assertThat(cli.hsm("key", "create", "tokens", "--algorithm", "ECDSA_P256_SHA256").exit())
        .isZero();
  }

  private JWKSet jwks() throws Exception {
    Cli.Result jwks = cli.hsm("key", "public", "tokens", "--format", "jwks");
    assertThat(jwks.exit()).as(jwks.toString()).isZero();
    return JWKSet.parse(jwks.out());
  }

  @Test
  void aJwsOfAFile_verifiesWithNimbus_underTheKeyItsKidNames() throws Exception {
    Path payload = Files.writeString(dir.resolve("manifest.json"), "{\"artifact\":\"app-1.0\"}");
    assertThat(cli.hsm("key", "rotate", "tokens").exit()).isZero();

    Cli.Result signed = cli.hsm("jws", "sign", "--key", "tokens", payload.toString());

    assertThat(signed.exit()).as(signed.toString()).isZero();
    JWSObject jws = JWSObject.parse(signed.out().trim());
    assertThat(jws.getHeader().getKeyID()).isEqualTo("tokens:2");
    JWKSet keys = jwks();
    assertThat(keys.getKeys()).hasSize(2);
    ECKey key = (ECKey) keys.getKeyByKeyId("tokens:2");
    assertThat(jws.verify(new ECDSAVerifier(key))).isTrue();
    assertThat(jws.verify(new ECDSAVerifier((ECKey) keys.getKeyByKeyId("tokens:1")))).isFalse();
    assertThat(jws.getPayload().toString()).isEqualTo("{\"artifact\":\"app-1.0\"}");
  }

  @Test
  void aJwsOfStdin_withP384_verifiesWithNimbus() throws Exception {
    assertThat(cli.hsm("key", "create", "p384", "--algorithm", "ECDSA_P384_SHA384").exit())
        .isZero();

    Cli.Result signed =
        cli.hsmWithInput("piped payload".getBytes(UTF_8), "jws", "sign", "--key", "p384");

    assertThat(signed.exit()).as(signed.toString()).isZero();
    JWSObject jws = JWSObject.parse(signed.out().trim());
    assertThat(jws.getHeader().getAlgorithm().getName()).isEqualTo("ES384");
    ECKey key = ECKey.parse(cli.hsm("key", "public", "p384", "--format", "jwk").out());
    assertThat(jws.verify(new ECDSAVerifier(key))).isTrue();
    assertThat(jws.getPayload().toString()).isEqualTo("piped payload");
  }

  @Test
  void jwsVerify_printsThePayload_andRefusesATamperedToken() throws Exception {
    Cli.Result signed = cli.hsmWithInput("hello".getBytes(UTF_8), "jws", "sign", "--key", "tokens");
    String token = signed.out().trim();

    Cli.Result verified =
        cli.hsmWithInput(token.getBytes(UTF_8), "jws", "verify", "--key", "tokens");
    assertThat(verified.exit()).as(verified.toString()).isZero();
    assertThat(verified.out()).isEqualTo("hello");

    String[] parts = token.split("\\.");
    String forged =
        parts[0]
            + "."
            + java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("HELLO".getBytes(UTF_8))
            + "."
            + parts[2];
    Cli.Result refused =
        cli.hsmWithInput(forged.getBytes(UTF_8), "jws", "verify", "--key", "tokens");
    assertThat(refused.exit()).isEqualTo(6);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.stderr()).startsWith("hsm jws verify: JWS signature does not verify");
  }

  @Test
  void aStandardSignatureKey_cannotMakeAJws() throws Exception {
    assertThat(
            cli.hsm(
                    "key",
                    "create",
                    "files",
                    "--algorithm",
                    "ECDSA_P256_SHA256",
                    "--operations",
                    "SIGN_STANDARD")
                .exit())
        .isZero();

    Cli.Result refused = cli.hsmWithInput("x".getBytes(UTF_8), "jws", "sign", "--key", "files");

    assertThat(refused.exit()).isEqualTo(5);
    assertThat(refused.stderr()).contains("does not allow SIGN");
  }
}
