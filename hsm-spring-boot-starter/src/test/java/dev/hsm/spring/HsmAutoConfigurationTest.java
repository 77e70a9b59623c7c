package dev.hsm.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.Algorithm;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.HsmException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.NativeCrypto;
import dev.hsm.Operation;
import dev.hsm.UnlockFailedException;
import dev.hsm.config.HsmConfigCustomizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The auto-configuration's conditions, beans and start-up failures, with ApplicationContextRunner.
 */
class HsmAutoConfigurationTest {
  @TempDir Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HsmAutoConfiguration.class))
        .withPropertyValues(TestStores.storeIn(dir))
        .withPropertyValues(
            "hsm.keys.receipts.algorithm=ECDSA_P256_SHA256", "hsm.keys.pii.algorithm=AES_256_GCM");
  }

  @Test
  void autoConfigurations_areListedInTheImportsFile() {
    assertThat(
            ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
                .getCandidates())
        .contains(
            HsmAutoConfiguration.class.getName(),
            HsmDataJdbcAutoConfiguration.class.getName(),
            HsmHealthAutoConfiguration.class.getName());
  }

  @Test
  void startup_opensTheStoreAndCreatesDeclaredKeys() {
    runner()
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(HsmClient.class);
              assertThat(Files.exists(dir.resolve("hsm.db"))).isTrue();
              assertThat(context.getBean(HsmClient.class).listKeys())
                  .extracting(KeyInfo::name)
                  .containsExactly("pii", "receipts");
            });
  }

  @Test
  void declaredKeys_areKeyHandleBeansInjectableByQualifier() {
    runner()
        .withUserConfiguration(NeedsKeys.class)
        .run(
            context -> {
              NeedsKeys needs = context.getBean(NeedsKeys.class);
              assertThat(needs.receipts.name()).isEqualTo("receipts");
              assertThat(needs.receipts.info().algorithm()).isEqualTo(Algorithm.ECDSA_P256_SHA256);
              assertThat(needs.pii.name()).isEqualTo("pii");
              assertThat(
                      BeanFactoryAnnotationUtils.qualifiedBeanOfType(
                              context.getBeanFactory(), KeyHandle.class, "pii")
                          .name())
                  .isEqualTo("pii");
              assertThat(context.getBeansOfType(KeyHandle.class))
                  .containsOnlyKeys("hsm.keys.receipts", "hsm.keys.pii");
            });
  }

  @Test
  void declaredKeySpec_followsEveryKeyProperty() {
    runner()
        .withPropertyValues(
            "hsm.keys.audit.algorithm=HMAC_SHA256",
            "hsm.keys.audit.operations=VERIFY",
            "hsm.keys.audit.extractable=true",
            "hsm.keys.audit.rotation-period=30d",
            "hsm.keys.audit.labels.team=billing",
            "hsm.keys.legacy.algorithm=RSA_PSS_SHA256",
            "hsm.keys.legacy.rsa-modulus-bits=2048")
        .run(
            context -> {
              HsmClient hsm = context.getBean(HsmClient.class);
              KeyInfo audit = hsm.key("audit").info();
              assertThat(audit.algorithm()).isEqualTo(Algorithm.HMAC_SHA256);
              assertThat(audit.operations()).containsExactly(Operation.VERIFY);
              assertThat(audit.extractable()).isTrue();
              assertThat(audit.rotationPeriod()).isEqualTo(Duration.ofDays(30));
              assertThat(audit.labels()).isEqualTo(Map.of("team", "billing"));
              KeyInfo legacy = hsm.key("legacy").info();
              assertThat(legacy.rsaModulusBits()).isEqualTo(2048);
              assertThat(legacy.operations())
                  .isEqualTo(EnumSet.of(Operation.SIGN, Operation.VERIFY));
              assertThat(legacy.extractable()).isFalse();
            });
  }

  /** The unknown-property check reads names as Spring reads environment variables. */
  @Test
  void keyPropertiesSetAsEnvironmentVariables_bindAndPassTheCheck() {
    runner()
        .withInitializer(
            context ->
                context
                    .getEnvironment()
                    .getPropertySources()
                    .addFirst(
                        new SystemEnvironmentPropertySource(
                            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            Map.of(
                                "HSM_KEYS_LEGACY_ALGORITHM", "RSA_PSS_SHA256",
                                "HSM_KEYS_LEGACY_RSA_MODULUS_BITS", "2048",
                                "HSM_KEYS_LEGACY_ROTATIONPERIOD", "30d",
                                "HSM_KEYS_LEGACY_LABELS_TEAM", "billing"))))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              KeyInfo legacy = context.getBean(HsmClient.class).key("legacy").info();
              assertThat(legacy.rsaModulusBits()).isEqualTo(2048);
              assertThat(legacy.rotationPeriod()).isEqualTo(Duration.ofDays(30));
              assertThat(legacy.labels()).isEqualTo(Map.of("team", "billing"));
            });
  }

  @Test
  void declaredKeys_areKeptAcrossRestarts() {
    AtomicReference<String> firstJwk = new AtomicReference<>();
    runner()
        .run(context -> firstJwk.set(context.getBean(HsmClient.class).key("receipts").publicJwk()));
    runner()
        .run(
            context ->
                assertThat(context.getBean(HsmClient.class).key("receipts").publicJwk())
                    .isEqualTo(firstJwk.get()));
  }

  @Test
  @ExtendWith(OutputCaptureExtension.class)
  void declaredRotationPeriodOrLabels_thatDifferFromTheStoredKey_startWithAWarning(
      CapturedOutput output) {
    runner()
        .withPropertyValues("hsm.keys.pii.rotation-period=30d")
        .run(context -> assertThat(context).hasNotFailed());
    assertThat(output).doesNotContain("hsm.keys.pii.rotation-period");

    runner()
        .withPropertyValues("hsm.keys.pii.rotation-period=60d", "hsm.keys.pii.labels.team=billing")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(HsmClient.class).key("pii").info().rotationPeriod())
                  .isEqualTo(Duration.ofDays(30));
            });
    assertThat(output)
        .contains(
            "hsm.keys.pii.rotation-period asks for rotation every PT1440H but the stored key 'pii' has rotation every PT720H")
        .contains("hsm.keys.pii.labels are {team=billing} but the stored key 'pii' has {}");
  }

  @Test
  void userHsmClient_makesTheAutoConfiguredOneBackOff_andStillGetsTheDeclaredKeys() {
    runner()
        .withUserConfiguration(UserClient.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(HsmClient.class);
              HsmClient hsm = context.getBean(HsmClient.class);
              assertThat(hsm).isSameAs(context.getBean(UserClient.class).client);
              assertThat(Files.exists(dir.resolve("hsm.db")))
                  .as("the auto-configured store")
                  .isFalse();
              assertThat(hsm.findKey("receipts")).isPresent();
              assertThat(context.getBean("hsm.keys.pii", KeyHandle.class).name()).isEqualTo("pii");
            });
  }

  @Test
  void hsmClient_isClosedWithTheContext() {
    AtomicReference<HsmClient> client = new AtomicReference<>();
    runner()
        .run(
            context -> {
              client.set(context.getBean(HsmClient.class));
              assertThat(client.get().listKeys()).hasSize(2);
            });
    assertThatThrownBy(() -> client.get().listKeys())
        .isInstanceOf(HsmException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void unlock_withPassphrase_opensTheSameStoreAgain_andAWrongOneFails() {
    ApplicationContextRunner withPassphrase =
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HsmAutoConfiguration.class))
            .withPropertyValues(
                "hsm.store.path=" + dir.resolve("p.db"), "hsm.keys.pii.algorithm=AES_256_GCM");
    AtomicReference<byte[]> ciphertext = new AtomicReference<>();
    withPassphrase
        .withPropertyValues("hsm.unlock.passphrase=correct horse")
        .run(
            context ->
                ciphertext.set(
                    context.getBean(HsmClient.class).key("pii").encrypt(new byte[] {7})));
    withPassphrase
        .withPropertyValues("hsm.unlock.passphrase=correct horse")
        .run(
            context ->
                assertThat(context.getBean(HsmClient.class).key("pii").decrypt(ciphertext.get()))
                    .containsExactly(7));
    withPassphrase
        .withPropertyValues("hsm.unlock.passphrase=wrong horse")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(UnlockFailedException.class));
  }

  @Test
  void properties_bindIntoTheCoreConfig() {
    runner()
        .withPropertyValues(
            "hsm.cache-size=5", "hsm.refresh-interval=250ms", "hsm.native-crypto=off")
        .run(
            context -> {
              HsmConfig bound = context.getBean(HsmProperties.class).toConfig();
              assertThat(bound.sqliteFile()).contains(dir.resolve("hsm.db"));
              assertThat(bound.cacheSize()).isEqualTo(5);
              assertThat(bound.refreshInterval()).isEqualTo(Duration.ofMillis(250));
              assertThat(bound.nativeCrypto()).isEqualTo(NativeCrypto.OFF);
              assertThat(
                      context.getBean(HsmClient.class).cryptoProvider(Algorithm.ECDSA_P256_SHA256))
                  .startsWith("BC ");
            });
  }

  @Test
  void customizerBeans_adjustTheConfigInOrder_andTheClientStaysTheStartersBean() {
    runner()
        .withUserConfiguration(Customizers.class)
        .run(
            context -> {
              assertThat(context)
                  .hasNotFailed()
                  .hasSingleBean(HsmClient.class)
                  .hasBean("hsmClient");
              assertThat(Files.exists(dir.resolve("hsm.db"))).as("the store from hsm.*").isTrue();
              // the clock customizer ran first, the one-day offset second
              assertThat(context.getBean(HsmClient.class).key("receipts").info().createdAt())
                  .isEqualTo(Customizers.START.plus(Duration.ofDays(1)));
            });
  }

  @Test
  void withoutCustomizers_theClientUsesTheSystemClock() {
    Instant before = Instant.now();
    runner()
        .run(
            context ->
                assertThat(context.getBean(HsmClient.class).key("receipts").info().createdAt())
                    .isBetween(before.minusSeconds(1), Instant.now()));
  }

  /** Declared in the opposite order to their {@code @Order}, so the order is not an accident. */
  @Configuration(proxyBeanMethods = false)
  static class Customizers {
    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    @Bean
    @Order(2)
    HsmConfigCustomizer oneDayLater() {
      return config -> config.clock(Clock.offset(config.clock(), Duration.ofDays(1)));
    }

    @Bean
    @Order(1)
    HsmConfigCustomizer fixedClock() {
      return config -> config.clock(Clock.fixed(START, ZoneOffset.UTC));
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class NeedsKeys {
    final KeyHandle receipts;
    final KeyHandle pii;

    NeedsKeys(@Qualifier("receipts") KeyHandle receipts, @Qualifier("pii") KeyHandle pii) {
      this.receipts = receipts;
      this.pii = pii;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class UserClient {
    final HsmClient client;

    UserClient(org.springframework.core.env.Environment environment) {
      Path store = Path.of(environment.getProperty("hsm.store.path")).resolveSibling("user.db");
      this.client =
          HsmClient.open(
              HsmConfig.sqlite(store)
                  .keyFile(Path.of(environment.getProperty("hsm.unlock.key-file"))));
    }

    @Bean
    HsmClient userHsmClient() {
      return client;
    }
  }
}
