package dev.hsm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.HsmConfig;
import dev.hsm.InvalidArgumentException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HsmConfigCustomizerTest {
  private final HsmConfig base = HsmConfig.sqlite(Path.of("hsm.db")).passphraseFromEnv("X");

  @Test
  void applyAll_appliesEachToThePreviousResult_inOrder() {
    HsmConfigCustomizer halve = config -> config.cacheSize(config.cacheSize() / 2);
    HsmConfigCustomizer addOne = config -> config.cacheSize(config.cacheSize() + 1);

    assertThat(HsmConfigCustomizer.applyAll(base, List.of(halve, addOne)).cacheSize())
        .isEqualTo(HsmConfig.DEFAULT_CACHE_SIZE / 2 + 1);
    assertThat(HsmConfigCustomizer.applyAll(base, List.of(addOne, halve)).cacheSize())
        .isEqualTo((HsmConfig.DEFAULT_CACHE_SIZE + 1) / 2);
  }

  @Test
  void applyAll_withoutCustomizers_returnsTheConfigItWasGiven() {
    assertThat(HsmConfigCustomizer.applyAll(base, List.of())).isSameAs(base);
  }

  @Test
  void aCustomizerReturningNull_failsNamingIt() {
    HsmConfigCustomizer broken =
        new HsmConfigCustomizer() {
          @Override
          public HsmConfig customize(HsmConfig config) {
            return null;
          }

          @Override
          public String toString() {
            return "BrokenCustomizer";
          }
        };

    assertThatThrownBy(() -> HsmConfigCustomizer.applyAll(base, List.of(broken)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("BrokenCustomizer returned null");
  }
}
