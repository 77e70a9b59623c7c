package dev.hsm.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.annotation.Encrypted;
import dev.hsm.annotation.InvalidAnnotationException;
import dev.hsm.annotation.Signed;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.ClassUtils;

/**
 * Every misuse of {@code @Signed} / {@code @Encrypted} on a bean fails context start-up with a
 * message naming the method and the key; correct use gets a proxy, other beans do not.
 */
class HsmAnnotationValidationTest {
  @TempDir Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HsmAutoConfiguration.class))
        .withPropertyValues(TestStores.storeIn(dir))
        .withPropertyValues(
            "hsm.keys.receipts.algorithm=ECDSA_P256_SHA256",
            "hsm.keys.verifier.algorithm=ECDSA_P256_SHA256",
            "hsm.keys.verifier.operations=VERIFY",
            "hsm.keys.pii.algorithm=AES_256_GCM",
            "hsm.keys.email.algorithm=AES_256_GCM_SIV");
  }

  static Stream<Arguments> misuses() {
    return Stream.of(
        Arguments.of(UnknownKey.class, "UnknownKey.receipt", "nope", "no key named 'nope'"),
        Arguments.of(
            WrongReturnType.class, "WrongReturnType.count", "receipts", "only String and byte[]"),
        Arguments.of(
            SigningWithAnAeadKey.class, "SigningWithAnAeadKey.receipt", "pii", "cannot sign"),
        Arguments.of(
            EncryptingWithASigningKey.class,
            "EncryptingWithASigningKey.accept",
            "receipts",
            "AEAD key"),
        Arguments.of(
            OperationNotAllowed.class,
            "OperationNotAllowed.receipt",
            "verifier",
            "does not allow SIGN"),
        Arguments.of(
            DeterministicWithRandomKey.class,
            "DeterministicWithRandomKey.token",
            "pii",
            "AES_256_GCM_SIV"),
        Arguments.of(
            RandomWithDeterministicKey.class,
            "RandomWithDeterministicKey.token",
            "email",
            "randomized"),
        Arguments.of(BothAnnotations.class, "BothAnnotations.receipt", "receipts", "together"),
        Arguments.of(FinalMethod.class, "FinalMethod.receipt", "receipts", "final method"),
        Arguments.of(PrivateMethod.class, "PrivateMethod.receipt", "receipts", "private method"),
        Arguments.of(
            AnnotatedOnlyOnInterface.class, "Receipts.receipt", "receipts", "not inherited"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("misuses")
  void misuse_failsStartup_namingMethodAndKey(
      Class<?> bean, String method, String key, String why) {
    runner()
        .withBean(bean)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(
                      Failures.find(context.getStartupFailure(), InvalidAnnotationException.class))
                  .hasMessageContaining(method)
                  .hasMessageContaining("\"" + key + "\"")
                  .hasMessageContaining(why);
            });
  }

  @Test
  void correctUse_isProxied_andUnannotatedBeansAreNot() {
    runner()
        .withBean(Fine.class)
        .withBean(Plain.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(AopUtils.isAopProxy(context.getBean(Fine.class))).isTrue();
              assertThat(AopUtils.isAopProxy(context.getBean(Plain.class))).isFalse();
              assertThat(context.getBean(Fine.class).receipt()).startsWith("eyJ");
            });
  }

  @Test
  void aspectJ_isNotNeeded() {
    assertThat(ClassUtils.isPresent("org.aspectj.weaver.Advice", getClass().getClassLoader()))
        .isFalse();
  }

  public static class UnknownKey {
    @Signed(key = "nope")
    public String receipt() {
      return "x";
    }
  }

  public static class WrongReturnType {
    @Signed(key = "receipts")
    public int count() {
      return 1;
    }
  }

  public static class SigningWithAnAeadKey {
    @Signed(key = "pii")
    public String receipt() {
      return "x";
    }
  }

  public static class EncryptingWithASigningKey {
    public String accept(@Encrypted(key = "receipts") String value) {
      return value;
    }
  }

  public static class OperationNotAllowed {
    @Signed(key = "verifier")
    public String receipt() {
      return "x";
    }
  }

  public static class DeterministicWithRandomKey {
    @Encrypted(key = "pii", deterministic = true)
    public String token() {
      return "x";
    }
  }

  public static class RandomWithDeterministicKey {
    @Encrypted(key = "email")
    public String token() {
      return "x";
    }
  }

  public static class BothAnnotations {
    @Signed(key = "receipts")
    @Encrypted(key = "pii")
    public String receipt() {
      return "x";
    }
  }

  public static class FinalMethod {
    @Signed(key = "receipts")
    public final String receipt() {
      return "x";
    }
  }

  public static class PrivateMethod {
    @Signed(key = "receipts")
    private String receipt() {
      return "x";
    }

    public String call() {
      return receipt();
    }
  }

  public interface Receipts {
    @Signed(key = "receipts")
    String receipt();
  }

  public static class AnnotatedOnlyOnInterface implements Receipts {
    @Override
    public String receipt() {
      return "x";
    }
  }

  public static class Fine {
    @Signed(key = "receipts")
    public String receipt() {
      return "x";
    }
  }

  public static class Plain {
    public String receipt() {
      return "x";
    }
  }
}
