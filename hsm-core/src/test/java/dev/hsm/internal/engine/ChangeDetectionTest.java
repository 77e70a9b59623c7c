package dev.hsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hsm.HsmConfig;
import dev.hsm.KeyDisabledException;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.TestStores;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clients on one store file, as two processes would be. The background refresh is held back (a
 * one-hour interval) and run by hand, so each test sees exactly one refresh.
 */
class ChangeDetectionTest {
  private static final byte[] DATA = "data".getBytes(StandardCharsets.UTF_8);
  private static final byte[] CONTEXT = new byte[0];

  @TempDir Path dir;
  private Engine here;
  private Engine there;

  @BeforeEach
  void openTwoClients() {
    HsmConfig config =
        TestStores.keyFileConfig(dir, "shared.db").refreshInterval(Duration.ofHours(1));
    here = StoreOpening.open(config);
    there = StoreOpening.open(config);
    for (String name : new String[] {"changed", "untouched"}) {
      here.createKey(name, KeySpec.aes256Gcm());
    }
    here.key("changed").encrypt(DATA, CONTEXT);
    here.key("untouched").encrypt(DATA, CONTEXT);
    here.maintenance().dropChangedKeys(); // catch up with its own creations
  }

  @AfterEach
  void close() {
    here.close();
    there.close();
  }

  @Test
  void aKeyAnotherClientRotates_isDropped_andTheOthersStayCached() {
    there.key("changed").rotate();

    here.maintenance().dropChangedKeys();

    assertThat(here.keys().isCached("changed")).isFalse();
    assertThat(here.keys().isCached("untouched")).isTrue();
    byte[] ciphertext = here.key("changed").encrypt(DATA, CONTEXT);
    assertThat(ByteBuffer.wrap(ciphertext, 1, 4).getInt())
        .as("new output uses the rotated version")
        .isEqualTo(2);
  }

  @Test
  void aKeyAnotherClientDisables_isRefusedAfterTheRefresh() {
    there.key("changed").disable();

    here.maintenance().dropChangedKeys();

    assertThatThrownBy(() -> here.key("changed").encrypt(DATA, CONTEXT))
        .isInstanceOf(KeyDisabledException.class);
    assertThat(here.key("untouched").decrypt(here.key("untouched").encrypt(DATA, CONTEXT), CONTEXT))
        .isEqualTo(DATA);
  }

  @Test
  void anotherClientsUsageSaves_dropNothing() {
    KeyHandle theirs = there.key("untouched");
    theirs.encrypt(DATA, CONTEXT);
    there.saveUsage(); // a commit: the store's data version moves, but no key changed

    here.maintenance().dropChangedKeys();

    assertThat(here.keys().isCached("changed")).isTrue();
    assertThat(here.keys().isCached("untouched")).isTrue();
  }

  @Test
  void anotherClientsRefusals_dropNothing() {
    there.key("changed").disable();
    here.maintenance().dropChangedKeys();
    here.key("untouched").encrypt(DATA, CONTEXT);
    here.key("changed"); // cached again, disabled
    assertThatThrownBy(() -> there.key("changed").encrypt(DATA, CONTEXT))
        .isInstanceOf(KeyDisabledException.class); // an audited refusal: a commit with an entry

    here.maintenance().dropChangedKeys();

    assertThat(here.keys().isCached("changed")).isTrue();
    assertThat(here.keys().isCached("untouched")).isTrue();
  }

  @Test
  void aChangeBehindMoreThanAPageOfOtherEntries_isStillSeen() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4); // group-committed: quick
    try {
      List<Future<KeyHandle>> created = new ArrayList<>();
      for (int i = 0; i < 1_100; i++) {
        String name = "filler-" + i;
        created.add(pool.submit(() -> there.createKey(name, KeySpec.hmacSha256())));
      }
      for (Future<KeyHandle> key : created) {
        key.get();
      }
    } finally {
      pool.shutdown();
    }
    there.key("changed").rotate(); // entry 1,100-odd: on the second page of the log

    here.maintenance().dropChangedKeys();

    assertThat(here.keys().isCached("changed")).isFalse();
    assertThat(here.keys().isCached("untouched")).isTrue();
  }

  @Test
  void aMasterKeyRotationByAnotherClient_dropsEveryKey() {
    there.admin().rotateMasterKey(there.config().unlockSecret().orElseThrow());

    here.maintenance().dropChangedKeys();

    assertThat(here.keys().isCached("changed")).isFalse();
    assertThat(here.keys().isCached("untouched")).isFalse();
  }
}
