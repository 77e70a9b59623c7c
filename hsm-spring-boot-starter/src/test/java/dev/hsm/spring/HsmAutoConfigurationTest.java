package dev.hsm.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.Algorithm;
import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.HsmException;
import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.KeyHandle;
import dev.hsm.KeyInfo;
import dev.hsm.NativeCrypto;
import dev.hsm.NativeCryptoUnavailableException;
import dev.hsm.Operation;
import dev.hsm.UnlockFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
  void declaredKey_thatDiffersFromTheStoredOne_failsStartupNamingTheKey() {
    runner().run(context -> assertThat(context).hasNotFailed());

    runner()
        .withPropertyValues("hsm.keys.receipts.algorithm=ED25519")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .isInstanceOf(KeyAlreadyExistsException.class)
                  .hasMessageContaining("'receipts'");
            });
  }

  @Test
  void declaredKey_withoutAlgorithmOrWithBadProperties_failsStartupNamingTheKey() {
    runner()
        .withPropertyValues("hsm.keys.orphan.extractable=true")
        .run(
            context ->
                assertThat(Failures.messages(context.getStartupFailure()))
                    .contains("hsm.keys.orphan.algorithm"));
    runner()
        .withPropertyValues("hsm.keys.big.algorithm=RSA_PSS_SHA256")
        .run(
            context ->
                assertThat(Failures.messages(context.getStartupFailure()))
                    .contains("hsm.keys.big.rsa-modulus-bits"));
    runner()
        .withPropertyValues("hsm.keys.odd.algorithm=AES_256_GCM", "hsm.keys.odd.operations=SIGN")
        .run(
            context ->
                assertThat(Failures.messages(context.getStartupFailure()))
                    .contains("hsm.keys.odd: AES_256_GCM keys cannot SIGN"));
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
  void unlock_withoutASecret_failsNamingTheProperties() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HsmAutoConfiguration.class))
        .withPropertyValues("hsm.store.path=" + dir.resolve("hsm.db"))
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("no unlock secret")
                    .hasMessageContaining("hsm.unlock.passphrase-env"));
    assertThat(Files.exists(dir.resolve("hsm.db"))).isFalse();
  }

  @Test
  void unlock_withTwoSecrets_failsNamingBoth() {
    runner()
        .withPropertyValues("hsm.unlock.passphrase=correct horse")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("hsm.unlock.passphrase and hsm.unlock.key-file"));
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
  void unlock_withPassphraseEnv_readsTheNamedVariable() {
    String unset = "HSM_TEST_UNSET_" + Long.toHexString(System.nanoTime());
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HsmAutoConfiguration.class))
        .withPropertyValues(
            "hsm.store.path=" + dir.resolve("e.db"), "hsm.unlock.passphrase-env=" + unset)
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(UnlockFailedException.class)
                    .hasMessageContaining(unset));
  }

  @Test
  void properties_mapToTheCoreConfig_withTheSameDefaults() {
    HsmProperties defaults = new HsmProperties();
    defaults.getUnlock().setPassphraseEnv("HSM_PASSPHRASE");
    HsmConfig config = defaults.toConfig();
    assertThat(config.sqliteFile().orElseThrow()).isEqualTo(Path.of("hsm.db"));
    assertThat(config.cacheSize()).isEqualTo(HsmConfig.DEFAULT_CACHE_SIZE);
    assertThat(config.refreshInterval()).isEqualTo(HsmConfig.DEFAULT_REFRESH_INTERVAL);
    assertThat(config.unlockSecret().orElseThrow().environmentVariable())
        .isEqualTo("HSM_PASSPHRASE");
    assertThat(config.nativeCrypto()).isEqualTo(NativeCrypto.AUTO);

    runner()
        .withPropertyValues("hsm.cache-size=5", "hsm.refresh-interval=250ms")
        .run(
            context -> {
              HsmConfig bound = context.getBean(HsmProperties.class).toConfig();
              assertThat(bound.sqliteFile().orElseThrow()).isEqualTo(dir.resolve("hsm.db"));
              assertThat(bound.cacheSize()).isEqualTo(5);
              assertThat(bound.refreshInterval()).isEqualTo(Duration.ofMillis(250));
            });
    runner()
        .withPropertyValues("hsm.native-crypto=off")
        .run(
            context ->
                assertThat(
                        context
                            .getBean(HsmClient.class)
                            .cryptoProvider(Algorithm.ECDSA_P256_SHA256))
                    .startsWith("BC "));
    runner()
        .withPropertyValues("hsm.cache-size=0")
        .run(
            context ->
                assertThat(Failures.messages(context.getStartupFailure()))
                    .contains("hsm.cache-size: cacheSize must be at least 1"));
  }

  @Test
  void nativeCryptoRequired_withoutTheProviderOnTheClasspath_failsStartupSayingWhy() {
    // This module's tests do not have the native provider (hsm-core's tests run it).
    runner()
        .withPropertyValues("hsm.native-crypto=REQUIRED")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(NativeCryptoUnavailableException.class)
                    .hasMessageContaining("not on the classpath"));
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
