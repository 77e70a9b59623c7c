package dev.hsm.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.Algorithm;
import dev.hsm.HsmConfig;
import dev.hsm.PinSource;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Java that docs/PKCS11.md shows (the page quotes these lines, and examples/spring-boot's
 * {@code Pkcs11DocTest} checks that it does): it compiles, and makes the configuration it says.
 * Nothing is opened: the paths are the page's.
 */
class Pkcs11DocExamplesTest {

  @Test
  void thePagesConfiguration_putsKeysInTheToken() {
    long slotId = 1234567890L;
    HsmConfig config =
        HsmConfig.sqlite(Path.of("app-hsm.db"))
            .keyFile(Path.of("/run/secrets/hsm.key"))
            .pkcs11(
                Path.of("/usr/lib/softhsm/libsofthsm2.so"),
                slotId,
                PinSource.fromEnv("HSM_PKCS11_PIN"));
    assertThat(config.custody().description())
        .isEqualTo("PKCS#11 custody (/usr/lib/softhsm/libsofthsm2.so, slot 1234567890)");

    HsmConfig withSiv =
        config.pkcs11(
            Path.of("/usr/lib/softhsm/libsofthsm2.so"),
            slotId,
            PinSource.fromEnv("HSM_PKCS11_PIN"),
            Set.of(Algorithm.AES_256_GCM_SIV));
    assertThat(withSiv.custody().description()).contains("in software: [AES_256_GCM_SIV]");
    assertThat(withSiv.toString()).doesNotContain("HSM_PKCS11_PIN=");
  }
}
