package dev.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeySpecSettingsTest {

  @Test
  void fromSettings_buildsTheSpecTheStartersDeclare() {
    KeySpec spec =
        KeySpec.fromSettings(
            "signer",
            Algorithm.RSA_PSS_SHA256,
            3072,
            List.of(Operation.VERIFY),
            true,
            Duration.ofDays(90),
            Map.of("team", "billing"));

    assertThat(spec)
        .isEqualTo(
            KeySpec.rsaPssSha256(3072)
                .withOperations(Operation.VERIFY)
                .withExtractable(true)
                .withRotationPeriod(Duration.ofDays(90))
                .withLabel("team", "billing"));
    assertThat(KeySpec.fromSettings("k", Algorithm.AES_256_GCM, null, null, false, null, Map.of()))
        .isEqualTo(KeySpec.aes256Gcm());
  }

  @Test
  void fromSettings_refusesIncompleteOrContradictorySettings_namingTheProperty() {
    assertThatThrownBy(() -> KeySpec.fromSettings("k", null, null, null, false, null, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hsm.keys.k.algorithm is required");
    assertThatThrownBy(
            () ->
                KeySpec.fromSettings(
                    "k", Algorithm.RSA_PKCS1_SHA256, null, null, false, null, Map.of()))
        .hasMessageContaining("hsm.keys.k.rsa-modulus-bits is required");
    assertThatThrownBy(
            () -> KeySpec.fromSettings("k", Algorithm.ED25519, 2048, null, false, null, Map.of()))
        .hasMessageContaining("hsm.keys.k.rsa-modulus-bits applies to RSA algorithms only");
    assertThatThrownBy(
            () ->
                KeySpec.fromSettings(
                    "k",
                    Algorithm.AES_256_GCM,
                    null,
                    List.of(Operation.SIGN),
                    false,
                    null,
                    Map.of()))
        .hasMessageStartingWith("hsm.keys.k: ")
        .hasMessageContaining("cannot SIGN");
  }
}
