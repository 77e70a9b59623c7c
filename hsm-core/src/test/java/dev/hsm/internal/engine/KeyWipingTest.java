package dev.hsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmConfig;
import dev.hsm.KeySpec;
import dev.hsm.TestStores;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master key leaves memory when it is no longer needed: on close and after a rotation. */
class KeyWipingTest {
  @TempDir Path dir;

  @Test
  void closingTheClient_wipesTheMasterKey() {
    Engine hsm = StoreOpening.open(TestStores.keyFileConfig(dir, "store.db"));
    Unlocked unlocked = hsm.unlocked();
    assertThat(unlocked.master().copy()).as("in use").isNotEqualTo(new byte[32]);

    hsm.close();

    assertThat(unlocked.master().copy()).isEqualTo(new byte[32]);
  }

  @Test
  void rotatingTheMasterKey_wipesTheOldOne_andKeepsWorkingWithTheNewOne() {
    HsmConfig config = TestStores.keyFileConfig(dir, "store.db");
    try (Engine hsm = StoreOpening.open(config)) {
      hsm.createKey("k", KeySpec.hmacSha256());
      Unlocked before = hsm.unlocked();

      hsm.admin().rotateMasterKey(config.unlockSecret().orElseThrow());

      assertThat(before.master().copy()).isEqualTo(new byte[32]);
      assertThat(hsm.unlocked().master().copy()).isNotEqualTo(new byte[32]);
      hsm.key("k").verifyMac(new byte[] {1}, hsm.key("k").mac(new byte[] {1}));
    }
  }
}
