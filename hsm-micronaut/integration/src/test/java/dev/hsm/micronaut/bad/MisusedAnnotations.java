package dev.hsm.micronaut.bad;

import dev.hsm.annotation.Encrypted;
import dev.hsm.annotation.Signed;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/**
 * Beans that use the annotations wrongly, each switched on only in the start-up test that expects
 * it to fail ({@code bad.case}), so every other context starts.
 */
public final class MisusedAnnotations {
  private MisusedAnnotations() {}

  /** {@code @Signed} on an {@code int} result. */
  @Singleton
  @Requires(property = "bad.case", value = "wrong-return-type")
  public static class WrongReturnType {
    @Signed(key = "receipts")
    public int count() {
      return 1;
    }
  }

  /** {@code @Encrypted} on a {@code long} parameter. */
  @Singleton
  @Requires(property = "bad.case", value = "wrong-parameter-type")
  public static class WrongParameterType {
    public void store(@Encrypted(key = "pii") long amount) {}
  }

  /** A key the store does not have. */
  @Singleton
  @Requires(property = "bad.case", value = "unknown-key")
  public static class UnknownKey {
    @Encrypted(key = "no-such-key")
    public String secret() {
      return "s";
    }
  }

  /** {@code @Signed} with a key declared VERIFY-only. */
  @Singleton
  @Requires(property = "bad.case", value = "lacking-operation")
  public static class LackingOperation {
    @Signed(key = "verify-only")
    public String sign() {
      return "s";
    }
  }

  /** {@code @Encrypted} with a signing key. */
  @Singleton
  @Requires(property = "bad.case", value = "wrong-kind")
  public static class WrongKind {
    public String open(@Encrypted(key = "receipts") String sealed) {
      return sealed;
    }
  }

  /** Annotated on the interface only. */
  public interface SignsReceipts {
    @Signed(key = "receipts")
    String receipt(String order);
  }

  /** Implements {@link SignsReceipts} without repeating the annotation. */
  @Singleton
  @Requires(property = "bad.case", value = "interface-only")
  public static class InterfaceOnly implements SignsReceipts {
    @Override
    public String receipt(String order) {
      return order;
    }
  }

  /** A class with {@code @Signed}, whose instance a factory method makes a bean. */
  public static class FactoryMade {
    @Signed(key = "receipts")
    public String receipt(String order) {
      return order;
    }
  }

  /** Makes {@link FactoryMade} a bean: Micronaut does not intercept what a factory returns. */
  @Factory
  @Requires(property = "bad.case", value = "factory-made")
  public static class FactoryMadeFactory {
    @Singleton
    FactoryMade factoryMade() {
      return new FactoryMade();
    }
  }
}
