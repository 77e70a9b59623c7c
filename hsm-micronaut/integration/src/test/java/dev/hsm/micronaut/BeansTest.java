package dev.hsm.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.Algorithm;
import dev.hsm.HsmClient;
import dev.hsm.HsmException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.NativeCrypto;
import dev.hsm.Operation;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The beans hsm-micronaut contributes, each test in its own application context. */
class BeansTest {

  @Test
  void eachDeclaredKey_isAKeyHandleBeanNamedAfterIt_withTheDeclaredSpec() {
    Map<String, Object> properties = TestHsm.properties(TestHsm.newDirectory());
    properties.put("hsm.keys.billing.algorithm", "HMAC_SHA256");
    properties.put("hsm.keys.billing.operations", "SIGN");
    properties.put("hsm.keys.billing.rotation-period", "2h");
    properties.put("hsm.keys.billing.labels.team", "billing");
    properties.put("hsm.keys.billing.labels.cost.center", "42");

    try (ApplicationContext context = ApplicationContext.run(properties)) {
      KeyHandle billing = context.getBean(KeyHandle.class, Qualifiers.byName("billing"));
      KeyHandle receipts = context.getBean(KeyHandle.class, Qualifiers.byName("receipts"));

      assertThat(billing.name()).isEqualTo("billing");
      KeyInfo info = billing.info();
      assertThat(info.algorithm()).isEqualTo(Algorithm.HMAC_SHA256);
      assertThat(info.operations()).containsExactly(Operation.SIGN);
      assertThat(info.rotationPeriod()).isEqualTo(Duration.ofHours(2));
      assertThat(info.labels()).containsEntry("team", "billing").containsEntry("cost.center", "42");
      assertThat(receipts.name()).isEqualTo("receipts");
      assertThat(receipts.info().algorithm()).isEqualTo(Algorithm.ECDSA_P256_SHA256);
      assertThat(context.getBeansOfType(KeyHandle.class)).hasSize(6);
      assertThat(context.getBean(HsmClient.class).listKeys())
          .extracting(KeyInfo::name)
          .containsExactly("billing", "pii", "pii-search", "pq-pii", "pq-receipts", "receipts");
    }
  }

  /** The unknown-property check reads names as Micronaut reads environment variables. */
  @Test
  void keyPropertiesSetAsEnvironmentVariables_bindAndPassTheCheck() {
    PropertySource environmentVariables =
        PropertySource.of(
            "test-env",
            Map.of(
                "HSM_KEYS_LEGACY_ALGORITHM", "RSA_PSS_SHA256",
                "HSM_KEYS_LEGACY_RSA_MODULUS_BITS", "2048",
                "HSM_KEYS_LEGACY_ROTATION_PERIOD", "30d",
                "HSM_KEYS_LEGACY_LABELS_TEAM", "billing"),
            PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE);

    try (ApplicationContext context =
        ApplicationContext.builder()
            .properties(TestHsm.properties(TestHsm.newDirectory()))
            .propertySources(environmentVariables)
            .start()) {
      KeyInfo legacy = context.getBean(HsmClient.class).key("legacy").info();
      assertThat(legacy.rsaModulusBits()).isEqualTo(2048);
      assertThat(legacy.rotationPeriod()).isEqualTo(Duration.ofDays(30));
      assertThat(legacy.labels()).isEqualTo(Map.of("team", "billing"));
    }
  }

  @Test
  void declaredKeys_areCreatedOnFirstStart_andTheSameKeysServeTheNextStart() {
    Map<String, Object> properties = TestHsm.properties(TestHsm.newDirectory());
    String jws;
    try (ApplicationContext first = ApplicationContext.run(properties)) {
      jws =
          first
              .getBean(KeyHandle.class, Qualifiers.byName("receipts"))
              .signJws("hello".getBytes(StandardCharsets.UTF_8));
    }

    try (ApplicationContext second = ApplicationContext.run(properties)) {
      KeyHandle receipts = second.getBean(KeyHandle.class, Qualifiers.byName("receipts"));

      assertThat(receipts.verifyJws(jws)).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
      assertThat(receipts.info().versions()).hasSize(1);
    }
  }

  @Test
  void hsmClient_isClosedWhenTheApplicationStops() {
    ApplicationContext context = ApplicationContext.run(TestHsm.properties(TestHsm.newDirectory()));
    HsmClient hsm = context.getBean(HsmClient.class);
    assertThat(hsm.listKeys()).hasSize(5);

    context.close();

    assertThatThrownBy(hsm::listKeys)
        .isInstanceOf(HsmException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void passphraseUnlock_opensTheSameStoreAgain_andIsMaskedInToString() {
    Path dir = TestHsm.newDirectory();
    Map<String, Object> properties = TestHsm.properties(dir);
    properties.remove("hsm.unlock.key-file");
    properties.put("hsm.unlock.passphrase", "correct horse battery staple");
    properties.put("hsm.cache-size", "5");
    properties.put("hsm.refresh-interval", "250ms");
    properties.put("hsm.native-crypto", "off");

    byte[] envelope;
    try (ApplicationContext first = ApplicationContext.run(properties)) {
      HsmConfiguration configuration = first.getBean(HsmConfiguration.class);
      assertThat(configuration.toString()).doesNotContain("horse").contains("<masked>");
      assertThat(configuration.toConfig().cacheSize()).isEqualTo(5);
      assertThat(configuration.toConfig().refreshInterval()).isEqualTo(Duration.ofMillis(250));
      assertThat(configuration.toConfig().nativeCrypto()).isEqualTo(NativeCrypto.OFF);
      assertThat(first.getBean(HsmClient.class).cryptoProvider(Algorithm.ECDSA_P256_SHA256))
          .startsWith("BC ");
      envelope = first.getBean(HsmClient.class).key("pii").encrypt(new byte[] {7});
    }
    try (ApplicationContext second = ApplicationContext.run(properties)) {
      assertThat(second.getBean(HsmClient.class).key("pii").decrypt(envelope)).containsExactly(7);
    }
  }

  @Test
  void customizerBeans_adjustTheConfigInOrder_andTheClientStaysTheFactorysBean() {
    Map<String, Object> properties = TestHsm.properties(TestHsm.newDirectory());
    properties.put("test.customizers", "on");

    try (ApplicationContext context = ApplicationContext.run(properties)) {
      assertThat(context.getBeanDefinition(HsmClient.class).getDeclaringType())
          .contains(HsmFactory.class);
      assertThat(context.getBeansOfType(HsmClient.class)).hasSize(1);
      // the clock customizer ran first, the one-day offset second
      assertThat(context.getBean(HsmClient.class).key("receipts").info().createdAt())
          .isEqualTo(TestCustomizers.START.plus(Duration.ofDays(1)));
    }
  }

  @Test
  void withoutCustomizers_theClientUsesTheSystemClock() {
    Instant before = Instant.now();
    try (ApplicationContext context =
        ApplicationContext.run(TestHsm.properties(TestHsm.newDirectory()))) {
      assertThat(context.getBean(HsmClient.class).key("receipts").info().createdAt())
          .isBetween(before.minusSeconds(1), Instant.now());
    }
  }

  @Test
  void storePath_defaultsToHsmDbInTheWorkingDirectory() {
    assertThat(new HsmConfiguration.Store().getPath()).as("unset").isNull();
    assertThat(HsmConfiguration.Store.DEFAULT_PATH).isEqualTo("hsm.db");
  }
}
