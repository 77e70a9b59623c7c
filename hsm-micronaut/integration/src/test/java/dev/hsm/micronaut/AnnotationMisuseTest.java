package dev.hsm.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.hsm.HsmException;
import dev.hsm.annotation.InvalidAnnotationException;
import io.micronaut.context.ApplicationContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Wrong use of {@code @Signed} and {@code @Encrypted} fails when the application starts, each in
 * its own context, with a message naming the method (or field) and the key. Wrong {@code hsm.*}
 * settings are {@code MicronautStartupFailureTest}'s.
 */
class AnnotationMisuseTest {

  private static Throwable startFailing(Map<String, Object> properties) {
    Throwable thrown = catchThrowable(() -> ApplicationContext.run(properties).close());
    assertThat(thrown).as("the application context must fail to start").isNotNull();
    return thrown;
  }

  /** The first HsmException in the chain: what the application threw. */
  private static Throwable rootCause(Throwable thrown) {
    for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
      if (cause instanceof HsmException) {
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
  void annotationOnABeanAFactoryMethodCreates_failsStartup_insteadOfDoingNothing() {
    Throwable root = rootCause(startFailing(with("factory-made")));

    assertThat(root)
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("MisusedAnnotations$FactoryMade.receipt")
        .hasMessageContaining("created by a @Factory method")
        .hasMessageContaining("make the class a bean of its own");
  }

  @Test
  void encryptedEntityFieldWithTheWrongKindOfKey_failsStartup_namingTheField() {
    // Customer.login and Contact.email are @Encrypted(deterministic = true): they need an
    // AES_256_GCM_SIV key
    Throwable root =
        rootCause(startFailing(with("none", "hsm.keys.pii-search.algorithm", "AES_256_GCM")));

    assertThat(root)
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageMatching(
            "(?s).*dev\\.hsm\\.micronaut\\.data\\.(Customer\\.login|Contact\\.email).*")
        .hasMessageContaining("deterministic = true needs an AES_256_GCM_SIV key")
        .hasMessageContaining("'pii-search'");
  }
}
