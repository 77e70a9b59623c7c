package dev.hsm.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.HsmException;
import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.KeySpec;
import dev.hsm.NativeCryptoUnavailableException;
import dev.hsm.UnlockFailedException;
import dev.hsm.annotation.InvalidAnnotationException;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.ConfigurationException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Wrong use fails when the application starts, each in its own context, with a message naming the
 * method (or field, or setting) and the key.
 */
class StartupFailureTest {

  private static Throwable startFailing(Map<String, Object> properties) {
    Throwable thrown = catchThrowable(() -> ApplicationContext.run(properties).close());
    assertThat(thrown).as("the application context must fail to start").isNotNull();
    return thrown;
  }

  /** The first HsmException or ConfigurationException in the chain: what the application threw. */
  private static Throwable rootCause(Throwable thrown) {
    for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
      if (cause instanceof HsmException || cause instanceof ConfigurationException) {
        return cause;
      }
    }
    return thrown;
  }

  private static Map<String, Object> with(String badCase, String... more) {
    Map<String, Object> properties = TestHsm.properties(TestHsm.newDirectory());
    properties.put("bad.case", badCase);
    for (int i = 0; i < more.length; i += 2) {
      properties.put(more[i], more[i + 1]);
    }
    return properties;
  }

  @Test
  void signedOnAnIntResult_failsStartup_namingMethodAndKey() {
    Throwable root = rootCause(startFailing(with("wrong-return-type")));

    assertThat(root)
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("MisusedAnnotations$WrongReturnType.count (return value)")
        .hasMessageContaining("\"receipts\"")
        .hasMessageContaining("only String and byte[]");
  }

  @Test
  void encryptedOnALongParameter_failsStartup_namingMethodParameterAndKey() {
    Throwable root = rootCause(startFailing(with("wrong-parameter-type")));

    assertThat(root)
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("MisusedAnnotations$WrongParameterType.store (parameter amount)")
        .hasMessageContaining("\"pii\"");
  }

  @Test
  void unknownKey_failsStartup_namingMethodAndKey() {
    Throwable root = rootCause(startFailing(with("unknown-key")));

    assertThat(root)
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("MisusedAnnotations$UnknownKey.secret")
        .hasMessageContaining("no key named 'no-such-key'");
  }

  @Test
  void keyLackingTheOperation_failsStartup_namingMethodKeyAndOperation() {
    Throwable root =
        rootCause(
            startFailing(
                with(
                    "lacking-operation",
                    "hsm.keys.verify-only.algorithm",
                    "ECDSA_P256_SHA256",
                    "hsm.keys.verify-only.operations",
                    "VERIFY")));

    assertThat(root)
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("MisusedAnnotations$LackingOperation.sign")
        .hasMessageContaining("key 'verify-only' does not allow SIGN");
  }

  @Test
  void encryptedWithASigningKey_failsStartup_namingMethodAndKey() {
    Throwable root = rootCause(startFailing(with("wrong-kind")));

    assertThat(root)
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("MisusedAnnotations$WrongKind.open (parameter sealed)")
        .hasMessageContaining("key 'receipts' is ECDSA_P256_SHA256");
  }

  @Test
  void annotationOnlyOnTheInterfaceMethod_failsStartup_insteadOfDoingNothing() {
    Throwable root = rootCause(startFailing(with("interface-only")));

    assertThat(root)
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("MisusedAnnotations$InterfaceOnly.receipt")
        .hasMessageContaining("must be on the implementing method");
  }

  @Test
  void declaredKeyDifferingFromTheStoredOne_failsStartup_namingTheKey() {
    Path dir = TestHsm.newDirectory();
    Map<String, Object> properties = TestHsm.properties(dir);
    try (HsmClient hsm =
        HsmClient.open(
            HsmConfig.sqlite(Path.of((String) properties.get("hsm.store.path")))
                .keyFile(Path.of((String) properties.get("hsm.unlock.key-file"))))) {
      hsm.createKey("receipts", KeySpec.ed25519());
    }

    Throwable root = rootCause(startFailing(properties));

    assertThat(root)
        .isInstanceOf(KeyAlreadyExistsException.class)
        .hasMessageContaining("key 'receipts' exists as KeySpec[ED25519")
        .hasMessageContaining("ECDSA_P256_SHA256");
  }

  @Test
  void encryptedEntityFieldWithTheWrongKindOfKey_failsStartup_namingTheField() {
    // Customer.email is @Encrypted(deterministic = true): it needs an AES_256_GCM_SIV key
    Throwable root =
        rootCause(startFailing(with("none", "hsm.keys.pii-search.algorithm", "AES_256_GCM")));

    assertThat(root)
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("dev.hsm.micronaut.data.Customer.email")
        .hasMessageContaining("deterministic = true needs an AES_256_GCM_SIV key")
        .hasMessageContaining("'pii-search'");
  }

  @Test
  void noUnlockSecret_failsStartup_namingTheSettings() {
    Map<String, Object> properties = TestHsm.properties(TestHsm.newDirectory());
    properties.remove("hsm.unlock.key-file");

    Throwable root = rootCause(startFailing(properties));

    assertThat(root)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "hsm.unlock.passphrase, hsm.unlock.passphrase-env, hsm.unlock.key-file");
  }

  @Test
  void passphraseEnvNamingAnUnsetVariable_failsStartup_namingTheVariable() {
    Map<String, Object> properties = TestHsm.properties(TestHsm.newDirectory());
    properties.remove("hsm.unlock.key-file");
    properties.put("hsm.unlock.passphrase-env", "HSM_MICRONAUT_TEST_UNSET_VARIABLE");

    Throwable root = rootCause(startFailing(properties));

    assertThat(root)
        .isInstanceOf(UnlockFailedException.class)
        .hasMessageContaining(
            "environment variable HSM_MICRONAUT_TEST_UNSET_VARIABLE holds no passphrase");
  }

  @Test
  void nativeCryptoRequired_withoutTheProviderOnTheClasspath_failsStartupSayingWhy() {
    // This module's tests do not have the native provider (hsm-core's tests run it).
    Throwable root = rootCause(startFailing(with("none", "hsm.native-crypto", "REQUIRED")));

    assertThat(root)
        .isInstanceOf(NativeCryptoUnavailableException.class)
        .hasMessageContaining("not on the classpath");
  }

  @Test
  void twoUnlockSecrets_failStartup_namingBoth() {
    Map<String, Object> properties = TestHsm.properties(TestHsm.newDirectory());
    properties.put("hsm.unlock.passphrase-env", "HSM_TEST_PASSPHRASE");

    Throwable root = rootCause(startFailing(properties));

    assertThat(root)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("hsm.unlock.passphrase-env and hsm.unlock.key-file");
  }

  @Test
  void declaredKeyWithoutAlgorithm_failsStartup_namingTheSetting() {
    Throwable root = rootCause(startFailing(with("none", "hsm.keys.orphan.labels.team", "x")));

    assertThat(root)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("hsm.keys.orphan.algorithm is required");
  }
}
