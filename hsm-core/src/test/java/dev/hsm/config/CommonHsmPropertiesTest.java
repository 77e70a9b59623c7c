package dev.hsm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.Algorithm;
import dev.hsm.HsmConfig;
import dev.hsm.KeySpec;
import dev.hsm.NativeCrypto;
import dev.hsm.Operation;
import dev.hsm.UnlockSecret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The properties model both starters bind: its defaults are {@link HsmConfig}'s, and each wrong
 * setting fails naming its property. Start-up through the frameworks is {@code
 * StartupFailureContract}'s.
 */
class CommonHsmPropertiesTest {

  private static CommonHsmProperties withKeyFile() {
    CommonHsmProperties properties = new CommonHsmProperties();
    properties.getUnlock().setKeyFile("/run/secrets/hsm.key");
    return properties;
  }

  private static KeyProperties key(Algorithm algorithm) {
    KeyProperties key = new KeyProperties();
    key.setAlgorithm(algorithm);
    return key;
  }

  @Test
  void defaults_areTheCoreConfigsDefaults() {
    CommonHsmProperties properties = new CommonHsmProperties();
    properties.getUnlock().setPassphraseEnv("HSM_PASSPHRASE");

    HsmConfig config = properties.toConfig();

    assertThat(config.sqliteFile()).contains(Path.of("hsm.db"));
    assertThat(config.cacheSize()).isEqualTo(HsmConfig.DEFAULT_CACHE_SIZE);
    assertThat(config.refreshInterval()).isEqualTo(HsmConfig.DEFAULT_REFRESH_INTERVAL);
    assertThat(config.nativeCrypto()).isEqualTo(NativeCrypto.AUTO);
    assertThat(config.unlockSecret().orElseThrow().environmentVariable())
        .isEqualTo("HSM_PASSPHRASE");
    assertThat(properties.keySpecs()).isEmpty();
  }

  @Test
  void toConfig_carriesEverySetting() {
    CommonHsmProperties properties = new CommonHsmProperties();
    properties.getStore().setPath("/var/lib/app/hsm.db");
    properties.getUnlock().setKeyFile("/run/secrets/hsm.key");
    properties.setCacheSize(5);
    properties.setRefreshInterval(Duration.ofMillis(250));
    properties.setNativeCrypto(NativeCrypto.OFF);

    HsmConfig config = properties.toConfig();

    assertThat(config.sqliteFile()).contains(Path.of("/var/lib/app/hsm.db"));
    assertThat(config.unlockSecret().orElseThrow().kind()).isEqualTo(UnlockSecret.Kind.KEY_FILE);
    assertThat(config.unlockSecret().orElseThrow().keyFile())
        .isEqualTo(Path.of("/run/secrets/hsm.key"));
    assertThat(config.cacheSize()).isEqualTo(5);
    assertThat(config.refreshInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.nativeCrypto()).isEqualTo(NativeCrypto.OFF);
  }

  @Test
  void passphrase_isMaskedInToString() {
    CommonHsmProperties properties = new CommonHsmProperties();
    properties.getUnlock().setPassphrase("correct horse battery staple");

    assertThat(properties.toString()).doesNotContain("horse").contains("<masked>");
    assertThat(properties.toConfig().unlockSecret().orElseThrow().kind())
        .isEqualTo(UnlockSecret.Kind.PASSPHRASE);
  }

  @Test
  void unlock_needsExactlyOneSecret_namingTheProperties() {
    CommonHsmProperties none = new CommonHsmProperties();
    assertThatThrownBy(none::toConfig)
        .isInstanceOf(InvalidHsmPropertyException.class)
        .hasMessageStartingWith("no unlock secret")
        .hasMessageContaining("hsm.unlock.passphrase, hsm.unlock.passphrase-env")
        .hasMessageContaining("hsm.unlock.key-file")
        .extracting(e -> ((InvalidHsmPropertyException) e).property())
        .isEqualTo("hsm.unlock");

    CommonHsmProperties two = withKeyFile();
    two.getUnlock().setPassphrase("correct horse");
    assertThatThrownBy(two::toConfig)
        .hasMessageContaining("more than one unlock secret")
        .hasMessageContaining("hsm.unlock.passphrase and hsm.unlock.key-file")
        .hasMessageNotContaining("correct horse");
  }

  @Test
  void outOfRangeValues_failNamingTheProperty() {
    CommonHsmProperties cache = withKeyFile();
    cache.setCacheSize(0);
    assertThatThrownBy(cache::toConfig)
        .isInstanceOf(InvalidHsmPropertyException.class)
        .hasMessage("hsm.cache-size: cacheSize must be at least 1, not 0");

    CommonHsmProperties refresh = withKeyFile();
    refresh.setRefreshInterval(Duration.ofMillis(5));
    assertThatThrownBy(refresh::toConfig)
        .hasMessageStartingWith("hsm.refresh-interval: refreshInterval must be at least 10 ms");

    CommonHsmProperties emptyPath = withKeyFile();
    emptyPath.getStore().setPath(" ");
    assertThatThrownBy(emptyPath::toConfig).hasMessageStartingWith("hsm.store.path is empty");

    CommonHsmProperties noMode = withKeyFile();
    noMode.setNativeCrypto(null);
    assertThatThrownBy(noMode::toConfig).hasMessage("hsm.native-crypto: no value");
  }

  @Test
  void toConfig_checksTheDeclaredKeysToo() {
    CommonHsmProperties properties = withKeyFile();
    properties.getKeys().put("orphan", new KeyProperties());

    assertThatThrownBy(properties::toConfig)
        .isInstanceOf(InvalidHsmPropertyException.class)
        .hasMessageContaining("hsm.keys.orphan.algorithm is required");
  }

  @Test
  void keySpec_followsEveryKeyProperty() {
    KeyProperties signer = key(Algorithm.RSA_PSS_SHA256);
    signer.setRsaModulusBits(3072);
    signer.setOperations(List.of(Operation.VERIFY));
    signer.setExtractable(true);
    signer.setRotationPeriod(Duration.ofDays(90));
    signer.setLabels(Map.of("team", "billing"));

    assertThat(signer.toSpec("signer"))
        .isEqualTo(
            KeySpec.rsaPssSha256(3072)
                .withOperations(Operation.VERIFY)
                .withExtractable(true)
                .withRotationPeriod(Duration.ofDays(90))
                .withLabel("team", "billing"));
    assertThat(key(Algorithm.AES_256_GCM).toSpec("k")).isEqualTo(KeySpec.aes256Gcm());
  }

  @Test
  void keySpecs_keepDeclarationOrder() {
    CommonHsmProperties properties = withKeyFile();
    properties.getKeys().put("receipts", key(Algorithm.ECDSA_P256_SHA256));
    properties.getKeys().put("pii", key(Algorithm.AES_256_GCM));

    assertThat(properties.keySpecs())
        .containsExactly(
            Map.entry("receipts", KeySpec.ecdsaP256()), Map.entry("pii", KeySpec.aes256Gcm()));
  }

  @Test
  void keySpec_refusesIncompleteOrContradictoryProperties_namingEach() {
    assertThatThrownBy(() -> new KeyProperties().toSpec("k"))
        .isInstanceOf(InvalidHsmPropertyException.class)
        .hasMessageStartingWith("hsm.keys.k.algorithm is required")
        .extracting(e -> ((InvalidHsmPropertyException) e).property())
        .isEqualTo("hsm.keys.k.algorithm");
    assertThatThrownBy(() -> key(Algorithm.RSA_PKCS1_SHA256).toSpec("k"))
        .hasMessageStartingWith("hsm.keys.k.rsa-modulus-bits is required for RSA_PKCS1_SHA256");

    KeyProperties sized = key(Algorithm.ED25519);
    sized.setRsaModulusBits(2048);
    assertThatThrownBy(() -> sized.toSpec("k"))
        .hasMessageStartingWith("hsm.keys.k.rsa-modulus-bits applies to RSA algorithms only");

    KeyProperties odd = key(Algorithm.RSA_PSS_SHA256);
    odd.setRsaModulusBits(1024);
    assertThatThrownBy(() -> odd.toSpec("k"))
        .hasMessageStartingWith("hsm.keys.k.rsa-modulus-bits: RSA modulus must be 2048");

    KeyProperties signingAes = key(Algorithm.AES_256_GCM);
    signingAes.setOperations(List.of(Operation.SIGN));
    assertThatThrownBy(() -> signingAes.toSpec("k"))
        .hasMessageStartingWith("hsm.keys.k.operations: AES_256_GCM keys cannot SIGN");

    KeyProperties hasty = key(Algorithm.ED25519);
    hasty.setRotationPeriod(Duration.ofMinutes(30));
    assertThatThrownBy(() -> hasty.toSpec("k"))
        .hasMessageStartingWith("hsm.keys.k.rotation-period: rotation period must be zero");

    KeyProperties shouting = key(Algorithm.ED25519);
    shouting.setLabels(Map.of("Team", "billing"));
    assertThatThrownBy(() -> shouting.toSpec("k"))
        .hasMessageStartingWith("hsm.keys.k.labels.Team: label key 'Team' must match");
  }

  @Test
  void keyProperties_areRecognisedInEveryFormAFrameworkGivesThem() {
    for (List<String> name :
        List.of(
            List.of("algorithm"),
            List.of("rsa-modulus-bits"),
            List.of("rsaModulusBits"),
            List.of("RSA_MODULUS_BITS"),
            List.of("rsa", "modulus", "bits"), // HSM_KEYS_K_RSA_MODULUS_BITS
            List.of("rotation", "period"),
            List.of("operations", "[0]"),
            List.of("labels", "cost", "center"))) {
      assertThat(KeyProperties.isProperty(name)).as(name.toString()).isTrue();
      KeyProperties.requireProperty("k", name);
    }
  }

  @Test
  void misspelledKeyProperty_isRefused_namingItAndTheLikelyProperty() {
    assertThatThrownBy(() -> KeyProperties.requireProperty("pii", List.of("algoritm")))
        .isInstanceOf(InvalidHsmPropertyException.class)
        .hasMessage(
            "hsm.keys.pii.algoritm is not a key property: a key takes algorithm,"
                + " rsa-modulus-bits, operations, extractable, rotation-period, labels.<label>;"
                + " did you mean hsm.keys.pii.algorithm?")
        .extracting(e -> ((InvalidHsmPropertyException) e).property())
        .isEqualTo("hsm.keys.pii.algoritm");
    assertThatThrownBy(() -> KeyProperties.requireProperty("pii", List.of("lables", "team")))
        .hasMessageStartingWith("hsm.keys.pii.lables.team is not a key property")
        .hasMessageEndingWith("did you mean hsm.keys.pii.labels.team?");
    assertThatThrownBy(() -> KeyProperties.requireProperty("pii", List.of("rotationPeriode")))
        .hasMessageEndingWith("did you mean hsm.keys.pii.rotation-period?");
  }

  @Test
  void unrelatedKeyProperty_isRefused_withoutAGuess() {
    assertThatThrownBy(() -> KeyProperties.requireProperty("pii", List.of("colour")))
        .isInstanceOf(InvalidHsmPropertyException.class)
        .hasMessageStartingWith("hsm.keys.pii.colour is not a key property")
        .hasMessageEndingWith("; check its spelling");
  }

  @Test
  void store_isTheSqliteFileUnlessAnotherIsSet() {
    CommonHsmProperties properties = withKeyFile();

    assertThat(properties.getStore().getPath()).isNull();
    assertThat(properties.toConfig().sqliteFile()).contains(Path.of(StoreProperties.DEFAULT_PATH));
  }

  @Test
  void postgresqlUrl_withoutTheModule_failsGivingTheDependencyLines() {
    CommonHsmProperties properties = withKeyFile();
    properties.getStore().setUrl("jdbc:postgresql://db.internal:5432/app");
    properties.getStore().setPassword("hunter2");

    assertThatThrownBy(properties::toConfig)
        .isInstanceOf(InvalidHsmPropertyException.class)
        .hasMessageStartingWith("hsm.store.url asks for a PostgreSQL store")
        .hasMessageContaining("dev.hsm:hsm-postgresql")
        .hasMessageContaining(
            "<dependency><groupId>dev.hsm</groupId><artifactId>hsm-postgresql</artifactId>")
        .hasMessageContaining("implementation(\"dev.hsm:hsm-postgresql:")
        .hasMessageNotContaining("${")
        .hasMessageNotContaining("hunter2")
        .extracting(e -> ((InvalidHsmPropertyException) e).property())
        .isEqualTo("hsm.store.url");
  }

  @Test
  void storeUrl_mustBePostgresql_andIsShownWithoutSecrets() {
    CommonHsmProperties mysql = withKeyFile();
    mysql.getStore().setUrl("jdbc:mysql://app:hunter2@db.internal/app?password=hunter2");
    assertThatThrownBy(mysql::toConfig)
        .isInstanceOf(InvalidHsmPropertyException.class)
        .hasMessage(
            "hsm.store.url must be a PostgreSQL JDBC URL such as"
                + " jdbc:postgresql://db.internal:5432/app, not 'jdbc:mysql://db.internal/app'");

    CommonHsmProperties sqlite = withKeyFile();
    sqlite.getStore().setUrl("jdbc:sqlite:hsm.db");
    assertThatThrownBy(sqlite::toConfig)
        .hasMessageEndingWith("the embedded SQLite store is set with hsm.store.path instead");
  }

  @Test
  void emptyStoreValues_countAsUnset_soAProfileCanSwitchStores() {
    CommonHsmProperties switched = withKeyFile();
    switched.getStore().setPath("");
    switched.getStore().setDataSource("application");
    switched.getStore().setUrl("");
    assertThatThrownBy(switched::toConfig)
        .as("past the conflict checks, to the DataSource look-up")
        .hasMessageContaining("works in the framework starters");

    CommonHsmProperties cleared = withKeyFile();
    cleared.getStore().setPath("app-hsm.db");
    cleared.getStore().setUrl("");
    cleared.getStore().setUser("");
    assertThat(cleared.toConfig().sqliteFile()).contains(Path.of("app-hsm.db"));

    CommonHsmProperties nowhere = withKeyFile();
    nowhere.getStore().setPath("");
    nowhere.getStore().setUrl(" ");
    assertThatThrownBy(nowhere::toConfig).hasMessageStartingWith("hsm.store.path is empty");
  }

  @Test
  void storeProperties_ofTwoKinds_failNamingBoth() {
    CommonHsmProperties both = withKeyFile();
    both.getStore().setPath("hsm.db");
    both.getStore().setUrl("jdbc:postgresql://db/app");
    assertThatThrownBy(both::toConfig)
        .isInstanceOf(InvalidHsmPropertyException.class)
        .hasMessageStartingWith("hsm.store.url and hsm.store.path cannot be set together");

    CommonHsmProperties dataSourceAndUrl = withKeyFile();
    dataSourceAndUrl.getStore().setDataSource("application");
    dataSourceAndUrl.getStore().setUrl("jdbc:postgresql://db/app");
    dataSourceAndUrl.getStore().setPassword("hunter2");
    assertThatThrownBy(dataSourceAndUrl::toConfig)
        .hasMessageStartingWith(
            "hsm.store.data-source and hsm.store.url, hsm.store.password cannot be set together")
        .hasMessageNotContaining("hunter2");

    CommonHsmProperties userAlone = withKeyFile();
    userAlone.getStore().setUser("app_hsm");
    assertThatThrownBy(userAlone::toConfig)
        .hasMessageStartingWith("hsm.store.user applies to a PostgreSQL store only")
        .extracting(e -> ((InvalidHsmPropertyException) e).property())
        .isEqualTo("hsm.store.user");

    CommonHsmProperties schemaAlone = withKeyFile();
    schemaAlone.getStore().setSchema("keys");
    assertThatThrownBy(schemaAlone::toConfig)
        .hasMessageStartingWith("hsm.store.schema applies to a PostgreSQL store only");
  }

  @Test
  void dataSource_outsideAStarter_failsPointingToTheFactory() {
    CommonHsmProperties properties = withKeyFile();
    properties.getStore().setDataSource("application");

    assertThatThrownBy(properties::toConfig)
        .isInstanceOf(InvalidHsmPropertyException.class)
        .hasMessageContaining("works in the framework starters")
        .hasMessageContaining("PostgresKeyRecordStore.factory(dataSource, schema)");
  }

  @Test
  void unknownStoreProperty_failsNamingIt_howeverTheSourceSpellsIt() {
    assertThatThrownBy(
            () ->
                StoreLocation.checkNames(
                    List.of("hsm.store.url", "hsm.cache-size", "hsm.store.usr")))
        .isInstanceOf(InvalidHsmPropertyException.class)
        .hasMessageStartingWith("unknown property hsm.store.usr: hsm.store has path, url, user,")
        .extracting(e -> ((InvalidHsmPropertyException) e).property())
        .isEqualTo("hsm.store.usr");
    assertThatThrownBy(() -> StoreLocation.checkNames(List.of("HSM_STORE_PASWORD")))
        .hasMessageStartingWith("unknown property HSM_STORE_PASWORD");

    StoreLocation.checkNames(
        List.of(
            "hsm.store.data-source",
            "hsm.store.dataSource",
            "HSM_STORE_DATA_SOURCE",
            "hsm.store.data.source",
            "HSM_STORE_PASSWORD",
            "hsm.storage",
            "hsm.unlock.key-file"));
  }

  @Test
  void storePassword_isMaskedInToString_andUrlShownWithoutParameters() {
    CommonHsmProperties properties = withKeyFile();
    properties.getStore().setUrl("jdbc:postgresql://db.internal:5432/app?password=hunter2");
    properties.getStore().setUser("app_hsm");
    properties.getStore().setPassword("correct horse");

    assertThat(properties.toString())
        .contains("url=jdbc:postgresql://db.internal:5432/app, user=app_hsm")
        .contains("password=<masked>")
        .doesNotContain("hunter2")
        .doesNotContain("horse");
  }

  @Test
  void pkcs11Properties_thatAreIncomplete_failNamingTheMissingOne() {
    CommonHsmProperties noLibrary = withKeyFile();
    noLibrary.getPkcs11().setSlot(1L);
    assertThatThrownBy(noLibrary::toConfig)
        .isInstanceOf(InvalidHsmPropertyException.class)
        .hasMessageContaining("hsm.pkcs11.library");

    CommonHsmProperties noSlot = withKeyFile();
    noSlot.getPkcs11().setLibrary("/usr/lib/softhsm/libsofthsm2.so");
    noSlot.getPkcs11().setPinEnv("HSM_PKCS11_PIN");
    assertThatThrownBy(noSlot::toConfig)
        .isInstanceOf(InvalidHsmPropertyException.class)
        .hasMessageContaining("hsm.pkcs11.slot");

    CommonHsmProperties twoPins = withKeyFile();
    twoPins.getPkcs11().setLibrary("/usr/lib/softhsm/libsofthsm2.so");
    twoPins.getPkcs11().setSlot(1L);
    twoPins.getPkcs11().setPinEnv("HSM_PKCS11_PIN");
    twoPins.getPkcs11().setPinFile("/run/secrets/pin");
    assertThatThrownBy(twoPins::toConfig)
        .isInstanceOf(InvalidHsmPropertyException.class)
        .hasMessageContaining("two PINs");
  }

  @Test
  void pkcs11Properties_withoutTheModule_failNamingItAndTheProperty() {
    CommonHsmProperties properties = withKeyFile();
    properties.getPkcs11().setLibrary("/usr/lib/softhsm/libsofthsm2.so");
    properties.getPkcs11().setSlot(1L);
    properties.getPkcs11().setPinFile("/run/secrets/pin");
    assertThatThrownBy(properties::toConfig)
        .isInstanceOf(InvalidHsmPropertyException.class)
        .hasMessageContaining("hsm.pkcs11.library")
        .hasMessageContaining("dev.hsm:hsm-pkcs11");
    assertThat(properties.toString()).contains("/run/secrets/pin");
  }
}
