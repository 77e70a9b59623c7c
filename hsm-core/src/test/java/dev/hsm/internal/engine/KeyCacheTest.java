package dev.hsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmConfig;
import dev.hsm.KeySpec;
import dev.hsm.TestStores;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache of unwrapped keys keeps its bound however keys come and go. */
class KeyCacheTest {
  @TempDir Path dir;

  @Test
  void rotationsAndEvictions_neverGrowTheCacheBeyondItsBound() {
    HsmConfig config =
        TestStores.keyFileConfig(dir, "bound.db").cacheSize(3).refreshInterval(Duration.ofHours(1));
    try (Engine hsm = StoreOpening.open(config)) {
      for (int i = 0; i < 10; i++) {
        hsm.createKey("k" + i, KeySpec.hmacSha256());
      }
      for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 10; i++) {
          hsm.key("k" + i).mac(new byte[] {1});
          hsm.key("k" + i).rotate(); // invalidates, and the next use loads it again
          hsm.key("k" + i).mac(new byte[] {2});
          assertThat(hsm.keys().cachedKeys()).isLessThanOrEqualTo(3);
        }
      }
    }
  }

  @Test
  void aKeyJustLoaded_isNotTheOneEvicted() {
    KeyCache cache = new KeyCache(2);
    LoadedKey a = aLoadedKey();
    cache.get("a", n -> a);
    cache.get("b", n -> a);
    cache.invalidate("a"); // today's bug: "a" stayed queued and was later evicted in c's place
    cache.get("a", n -> a);
    cache.get("c", n -> a);
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.contains("c")).isTrue();
  }

  @Test
  void invalidatingAndReloadingOneKeyManyTimes_leavesOneEntry() {
    KeyCache cache = new KeyCache(100);
    LoadedKey key = aLoadedKey();
    for (int i = 0; i < 10_000; i++) {
      cache.get("only", n -> key);
      cache.invalidate("only");
    }
    cache.get("only", n -> key);
    assertThat(cache.size()).isEqualTo(1);
  }

  /** The cache never looks inside its values: one real key will do for every name. */
  private LoadedKey aLoadedKey() {
    try (Engine hsm = StoreOpening.open(TestStores.keyFileConfig(dir, "one.db"))) {
      hsm.createKey("k", KeySpec.hmacSha256());
      return hsm.keys().loaded("k");
    }
  }
}
