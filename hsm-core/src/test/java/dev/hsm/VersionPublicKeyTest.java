package dev.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code publicKeyPem(version)} and {@code publicJwk(version)}: each enabled version's public key.
 */
class VersionPublicKeyTest {
  @TempDir Path dir;
  private HsmClient hsm;

  @BeforeEach
  void open() {
    hsm = TestStores.open(dir, "versions.db");
  }

  @AfterEach
  void close() {
    hsm.close();
  }

  @Test
  void publicKeysOfEachEnabledVersion_areExported_andOthersRefused() {
    KeyHandle key = hsm.createKey("tokens", KeySpec.ecdsaP256());
    key.rotate();

    assertThat(key.publicJwk(1)).contains("\"kid\":\"tokens:1\"");
    assertThat(key.publicJwk(2)).isEqualTo(key.publicJwk());
    assertThat(key.publicKeyPem(2)).isEqualTo(key.publicKeyPem());
    assertThat(key.publicKeyPem(1)).isNotEqualTo(key.publicKeyPem());
    key.disableVersion(1);
    assertThatThrownBy(() -> key.publicJwk(1)).isInstanceOf(KeyDisabledException.class);
    assertThatThrownBy(() -> key.publicKeyPem(3)).isInstanceOf(KeyNotFoundException.class);
  }
}
