package dev.hsm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.InvalidArgumentException;
import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.KeyInfo;
import dev.hsm.KeyNotFoundException;
import dev.hsm.KeySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Declared keys ensured against a real store in a temporary directory. */
class DeclaredKeysTest {
  @TempDir Path dir;
  private HsmConfig config;
  private final List<String> warnings = new ArrayList<>();

  @BeforeEach
  void keyFile() throws IOException {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Files.write(dir.resolve("hsm.key"), key);
    config = HsmConfig.sqlite(dir.resolve("hsm.db")).keyFile(dir.resolve("hsm.key"));
  }

  private static Map<String, KeySpec> specs(Object... nameThenSpec) {
    Map<String, KeySpec> specs = new LinkedHashMap<>();
    for (int i = 0; i < nameThenSpec.length; i += 2) {
      specs.put((String) nameThenSpec[i], (KeySpec) nameThenSpec[i + 1]);
    }
    return specs;
  }

  @Test
  void ensure_createsMissingKeys_andHandsThemOutByName_inDeclarationOrder() {
    try (HsmClient hsm = HsmClient.open(config)) {
      DeclaredKeys keys =
          DeclaredKeys.ensure(
              hsm,
              specs("receipts", KeySpec.ecdsaP256(), "pii", KeySpec.aes256Gcm()),
              warnings::add);

      assertThat(keys.all().keySet()).containsExactly("receipts", "pii");
      assertThat(keys.declared("pii").info().algorithm())
          .isEqualTo(KeySpec.aes256Gcm().algorithm());
      assertThat(hsm.findKey("receipts")).isPresent();
      assertThat(warnings).isEmpty();
    }
  }

  @Test
  void ensure_keepsAnExistingKeyOfTheSameSpec() {
    String jwk;
    try (HsmClient hsm = HsmClient.open(config)) {
      jwk = hsm.createKey("receipts", KeySpec.ecdsaP256()).publicJwk();
    }
    try (HsmClient hsm = HsmClient.open(config)) {
      DeclaredKeys keys =
          DeclaredKeys.ensure(hsm, specs("receipts", KeySpec.ecdsaP256()), warnings::add);

      assertThat(keys.declared("receipts").publicJwk()).isEqualTo(jwk);
    }
  }

  @Test
  void ensure_failsNamingTheKey_whenTheStoredKeyHasAnotherSpec() {
    try (HsmClient hsm = HsmClient.open(config)) {
      hsm.createKey("receipts", KeySpec.ed25519());

      assertThatThrownBy(
              () -> DeclaredKeys.ensure(hsm, specs("receipts", KeySpec.ecdsaP256()), warnings::add))
          .isInstanceOf(KeyAlreadyExistsException.class)
          .hasMessageContaining("key 'receipts' exists as KeySpec[ED25519");
    }
  }

  @Test
  void aDeclarationThatFails_createsNoneOfTheKeys() {
    // Found by the configuration fuzz suite: keys declared before the failing one were created.
    try (HsmClient hsm = HsmClient.open(config)) {
      hsm.createKey("receipts", KeySpec.ed25519());

      assertThatThrownBy(
              () ->
                  DeclaredKeys.ensure(
                      hsm,
                      specs("pii", KeySpec.aes256Gcm(), "receipts", KeySpec.ecdsaP256()),
                      warnings::add))
          .isInstanceOf(KeyAlreadyExistsException.class);
      assertThatThrownBy(
              () ->
                  DeclaredKeys.ensure(
                      hsm,
                      specs("pii", KeySpec.aes256Gcm(), "not a key name", KeySpec.aes256Gcm()),
                      warnings::add))
          .isInstanceOf(InvalidArgumentException.class);

      assertThat(hsm.listKeys()).extracting(KeyInfo::name).containsExactly("receipts");
    }
  }

  @Test
  void differingRotationPeriodOrLabels_areKept_andWarnedAbout() {
    try (HsmClient hsm = HsmClient.open(config)) {
      hsm.createKey("pii", KeySpec.aes256Gcm().withRotationPeriod(Duration.ofDays(30)));

      DeclaredKeys.ensure(
          hsm,
          specs(
              "pii",
              KeySpec.aes256Gcm()
                  .withRotationPeriod(Duration.ofDays(60))
                  .withLabel("team", "billing")),
          warnings::add);

      assertThat(hsm.key("pii").info().rotationPeriod()).isEqualTo(Duration.ofDays(30));
      assertThat(warnings)
          .containsExactly(
              "hsm.keys.pii.rotation-period asks for rotation every PT1440H but the stored key"
                  + " 'pii' has rotation every PT720H; declared settings apply when a key is"
                  + " created: use HsmAdmin.setRotationPeriod to change it",
              "hsm.keys.pii.labels are {team=billing} but the stored key 'pii' has {}; declared"
                  + " labels apply when a key is created");
    }
  }

  @Test
  void key_findsDeclaredKeysAndOtherStoredKeys_declaredOnlyDeclaredOnes() {
    try (HsmClient hsm = HsmClient.open(config)) {
      hsm.createKey("legacy", KeySpec.hmacSha256());
      DeclaredKeys keys =
          DeclaredKeys.ensure(hsm, specs("pii", KeySpec.aes256Gcm()), warnings::add);

      assertThat(keys.key("pii").name()).isEqualTo("pii");
      assertThat(keys.key("legacy").name()).isEqualTo("legacy");
      assertThatThrownBy(() -> keys.key("missing")).isInstanceOf(KeyNotFoundException.class);
      assertThatThrownBy(() -> keys.declared("legacy"))
          .isInstanceOf(KeyNotFoundException.class)
          .hasMessage("hsm.keys.legacy is not declared");
    }
  }
}
