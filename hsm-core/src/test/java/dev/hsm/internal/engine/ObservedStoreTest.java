package dev.hsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.spi.KeyRecordStore;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The observed store passes every call to the store as it is: it declares every method of the SPI,
 * defaults included, so a store's own version of a default (PostgreSQL's insertKeysAfterHead, its
 * snapshot and load) is never replaced by the SPI's default when a client has observers.
 */
class ObservedStoreTest {

  @Test
  void observedStore_declaresEveryMethodOfTheSpi_defaultsIncluded() {
    assertThat(
            Arrays.stream(KeyRecordStore.class.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()))
                .filter(m -> !declares(m)))
        .as("KeyRecordStore methods ObservedStore does not pass on")
        .isEmpty();
  }

  private static boolean declares(Method method) {
    try {
      ObservedStore.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
