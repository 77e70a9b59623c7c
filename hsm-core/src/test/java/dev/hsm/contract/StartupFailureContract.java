package dev.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.HsmException;
import dev.hsm.KeyAlreadyExistsException;
import dev.hsm.KeySpec;
import dev.hsm.NativeCryptoUnavailableException;
import dev.hsm.UnlockFailedException;
import dev.hsm.config.InvalidHsmPropertyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How both framework starters fail at start-up when {@code hsm.*} is wrong: the same cases, the
 * same exceptions, the same messages, each naming the property or the key. A starter's test extends
 * this class and implements {@link #startupFailure} for its framework.
 *
 * <p>Each case starts from a store in a fresh temporary directory unlocked with a key file ({@code
 * hsm.store.path}, {@code hsm.unlock.key-file}) and changes what it tests. A wrong property fails
 * before the store file is created.
 */
public abstract class StartupFailureContract {
  @TempDir private Path dir;

  /**
   * Starts the starter's application with {@code properties} and returns what start-up threw, as
   * the framework threw it (this class looks for the cause); {@code null} if it started, after
   * stopping it. A starter may add properties its test beans need, but no {@code hsm.*} ones.
   */
  protected abstract Throwable startupFailure(Map<String, String> properties);

  private Path store;
  private Path keyFile;

  @BeforeEach
  void keyFile() throws IOException {
    store = dir.resolve("hsm.db");
    keyFile = dir.resolve("hsm.key");
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Files.write(keyFile, key);
  }

  /** A store in the temporary directory, unlocked with its key file, and {@code more}. */
  private Map<String, String> with(String... more) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("hsm.store.path", store.toString());
    properties.put("hsm.unlock.key-file", keyFile.toString());
    for (int i = 0; i < more.length; i += 2) {
      properties.put(more[i], more[i + 1]);
    }
    return properties;
  }

  /** The library's exception that stopped start-up: the outermost HsmException in the chain. */
  private HsmException failure(Map<String, String> properties) {
    Throwable thrown = startupFailure(properties);
    assertThat(thrown).as("start-up must fail").isNotNull();
    for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
      if (cause instanceof HsmException) {
        return (HsmException) cause;
      }
    }
    throw new AssertionError("no HsmException in the cause chain:\n" + messages(thrown), thrown);
  }

  /** The property the start-up failure names, after checking it is an invalid property. */
  private InvalidHsmPropertyException invalidProperty(Map<String, String> properties) {
    HsmException failure = failure(properties);
    assertThat(failure).isInstanceOf(InvalidHsmPropertyException.class);
    assertThat(store).as("no store file for a wrong property").doesNotExist();
    return (InvalidHsmPropertyException) failure;
  }

  private static String messages(Throwable thrown) {
    List<String> messages = new ArrayList<>();
    for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
      messages.add(cause.getClass().getName() + ": " + cause.getMessage());
    }
    return String.join("\n", messages);
  }

  @Test
  void noUnlockSecret_failsNamingTheThreeUnlockProperties() {
    Map<String, String> properties = with();
    properties.remove("hsm.unlock.key-file");

    InvalidHsmPropertyException failure = invalidProperty(properties);

    assertThat(failure.property()).isEqualTo("hsm.unlock");
    assertThat(failure)
        .hasMessageStartingWith("no unlock secret")
        .hasMessageContaining("hsm.unlock.passphrase, hsm.unlock.passphrase-env")
        .hasMessageContaining("hsm.unlock.key-file");
  }

  @Test
  void twoUnlockSecrets_failNamingBoth() {
    InvalidHsmPropertyException failure =
        invalidProperty(with("hsm.unlock.passphrase", "correct horse battery staple"));

    assertThat(failure.property()).isEqualTo("hsm.unlock");
    assertThat(failure)
        .hasMessageContaining("more than one unlock secret")
        .hasMessageContaining("hsm.unlock.passphrase and hsm.unlock.key-file")
        .hasMessageNotContaining("horse");
  }

  @Test
  void passphraseEnvNamingAnUnsetVariable_failsNamingTheVariable() {
    String unset = "HSM_CONTRACT_UNSET_" + Long.toHexString(System.nanoTime());
    Map<String, String> properties = with("hsm.unlock.passphrase-env", unset);
    properties.remove("hsm.unlock.key-file");

    assertThat(failure(properties))
        .isInstanceOf(UnlockFailedException.class)
        .hasMessageContaining("environment variable " + unset + " holds no passphrase");
  }

  @Test
  void missingKeyFile_failsNamingTheFile() {
    Path missing = dir.resolve("missing.key");

    assertThat(failure(with("hsm.unlock.key-file", missing.toString())))
        .isInstanceOf(UnlockFailedException.class)
        .hasMessageContaining("cannot read key file " + missing);
  }

  @Test
  void cacheSizeBelowOne_failsNamingTheProperty() {
    InvalidHsmPropertyException failure = invalidProperty(with("hsm.cache-size", "0"));

    assertThat(failure.property()).isEqualTo("hsm.cache-size");
    assertThat(failure).hasMessage("hsm.cache-size: cacheSize must be at least 1, not 0");
  }

  @Test
  void refreshIntervalUnderTenMilliseconds_failsNamingTheProperty() {
    InvalidHsmPropertyException failure = invalidProperty(with("hsm.refresh-interval", "5ms"));

    assertThat(failure.property()).isEqualTo("hsm.refresh-interval");
    assertThat(failure).hasMessageStartingWith("hsm.refresh-interval: ");
  }

  /** The framework converts the name, so the message is its own: only its content is shared. */
  @Test
  void unknownAlgorithm_failsNamingTheProperty() {
    Throwable thrown = startupFailure(with("hsm.keys.signer.algorithm", "ECDSA_P265"));

    assertThat(thrown).as("start-up must fail").isNotNull();
    assertThat(messages(thrown)).contains("hsm.keys.signer.algorithm").contains("ECDSA_P265");
    assertThat(store).doesNotExist();
  }

  @Test
  void declaredKeyWithoutAlgorithm_failsNamingTheProperty() {
    InvalidHsmPropertyException failure =
        invalidProperty(with("hsm.keys.orphan.extractable", "true"));

    assertThat(failure.property()).isEqualTo("hsm.keys.orphan.algorithm");
    assertThat(failure).hasMessageStartingWith("hsm.keys.orphan.algorithm is required");
  }

  /** Before, Spring dropped such a key without a word, and later lookups found no key. */
  @Test
  void misspelledKeyProperty_failsNamingItAndWhatAKeyTakes() {
    InvalidHsmPropertyException failure =
        invalidProperty(with("hsm.keys.pii.algoritm", "AES_256_GCM"));

    assertThat(failure.property()).isEqualTo("hsm.keys.pii.algoritm");
    assertThat(failure)
        .hasMessageStartingWith("hsm.keys.pii.algoritm is not a key property")
        .hasMessageContaining(
            "algorithm, rsa-modulus-bits, operations, extractable, rotation-period,"
                + " labels.<label>")
        .hasMessageContaining("did you mean hsm.keys.pii.algorithm?");
  }

  @Test
  void unknownPropertyBesideACompleteKey_failsNamingIt() {
    InvalidHsmPropertyException failure =
        invalidProperty(
            with("hsm.keys.pii.algorithm", "AES_256_GCM", "hsm.keys.pii.extractible", "true"));

    assertThat(failure.property()).isEqualTo("hsm.keys.pii.extractible");
    assertThat(failure)
        .hasMessageStartingWith("hsm.keys.pii.extractible is not a key property")
        .hasMessageContaining("did you mean hsm.keys.pii.extractable?");
  }

  @Test
  void rsaKeyWithoutModulusSize_failsNamingTheProperty() {
    InvalidHsmPropertyException failure =
        invalidProperty(with("hsm.keys.legacy.algorithm", "RSA_PSS_SHA256"));

    assertThat(failure.property()).isEqualTo("hsm.keys.legacy.rsa-modulus-bits");
    assertThat(failure)
        .hasMessageStartingWith("hsm.keys.legacy.rsa-modulus-bits is required for RSA_PSS_SHA256");
  }

  @Test
  void modulusSizeOnANonRsaKey_failsNamingTheProperty() {
    InvalidHsmPropertyException failure =
        invalidProperty(
            with("hsm.keys.pii.algorithm", "AES_256_GCM", "hsm.keys.pii.rsa-modulus-bits", "2048"));

    assertThat(failure.property()).isEqualTo("hsm.keys.pii.rsa-modulus-bits");
    assertThat(failure).hasMessageContaining("applies to RSA algorithms only, not AES_256_GCM");
  }

  @Test
  void operationsTheAlgorithmCannotDo_failNamingTheProperty() {
    InvalidHsmPropertyException failure =
        invalidProperty(
            with("hsm.keys.pii.algorithm", "AES_256_GCM", "hsm.keys.pii.operations", "SIGN"));

    assertThat(failure.property()).isEqualTo("hsm.keys.pii.operations");
    assertThat(failure)
        .hasMessageStartingWith("hsm.keys.pii.operations: AES_256_GCM keys cannot SIGN");
  }

  @Test
  void rotationPeriodUnderAnHour_failsNamingTheProperty() {
    InvalidHsmPropertyException failure =
        invalidProperty(
            with("hsm.keys.pii.algorithm", "AES_256_GCM", "hsm.keys.pii.rotation-period", "30m"));

    assertThat(failure.property()).isEqualTo("hsm.keys.pii.rotation-period");
    assertThat(failure)
        .hasMessageStartingWith(
            "hsm.keys.pii.rotation-period: rotation period must be zero (off)"
                + " or at least one hour");
  }

  @Test
  void declaredKeyStoredWithAnotherSpec_failsNamingTheKey() {
    try (HsmClient hsm = HsmClient.open(HsmConfig.sqlite(store).keyFile(keyFile))) {
      hsm.createKey("receipts", KeySpec.ed25519());
    }

    assertThat(failure(with("hsm.keys.receipts.algorithm", "ECDSA_P256_SHA256")))
        .isInstanceOf(KeyAlreadyExistsException.class)
        .hasMessageContaining("key 'receipts' exists as KeySpec[ED25519")
        .hasMessageContaining("not as the requested KeySpec[ECDSA_P256_SHA256");
  }

  @Test
  void nativeCryptoRequired_withoutTheProviderOnTheClasspath_failsSayingWhy() {
    assumeTrue(
        getClass().getClassLoader().getResource("com/amazon/corretto/crypto/provider/") == null,
        "the native provider is on this test's classpath");

    assertThat(failure(with("hsm.native-crypto", "REQUIRED")))
        .isInstanceOf(NativeCryptoUnavailableException.class)
        .hasMessageContaining("not on the classpath");
  }
}
