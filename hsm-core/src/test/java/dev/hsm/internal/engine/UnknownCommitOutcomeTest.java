package dev.hsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.hsm.HsmConfig;
import dev.hsm.KeyDisabledException;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.StoreException;
import dev.hsm.TestStores;
import dev.hsm.contract.InMemoryKeyRecordStore;
import dev.hsm.spi.KeyRecordStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that loses its connection while a write commits (a database server restarting, a
 * failover) cannot say whether the write was made, and throws. The client then drops the key from
 * its cache whatever the outcome, so that it does not go on using the key as it was before a change
 * the store did make: nothing else would tell it, since its own writes do not move its data
 * version.
 */
class UnknownCommitOutcomeTest {
  private static final byte[] DATA =
      "pay 100 to bob".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  @TempDir Path dir;

  /** A store whose key updates, while {@code lose} is set, are made and then reported lost. */
  private static KeyRecordStore.Factory losingCommits(AtomicBoolean lose) {
    KeyRecordStore.Factory real = InMemoryKeyRecordStore.factory("commits-lost");
    return new KeyRecordStore.Factory() {
      @Override
      public KeyRecordStore open() {
        KeyRecordStore store = real.open();
        return (KeyRecordStore)
            Proxy.newProxyInstance(
                KeyRecordStore.class.getClassLoader(),
                new Class<?>[] {KeyRecordStore.class},
                (proxy, method, args) -> {
                  Object result;
                  try {
                    result = method.invoke(store, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                  if (method.getName().equals("updateKey") && lose.get()) {
                    throw new StoreException(
                        "lost the connection while committing: the write may or may not have been"
                            + " made");
                  }
                  return result;
                });
      }

      @Override
      public String description() {
        return "a store that loses commits";
      }
    };
  }

  @Test
  void aChangeWhoseCommitOutcomeIsUnknown_dropsTheCachedKey_soItsNextUseSeesTheStore() {
    AtomicBoolean lose = new AtomicBoolean();
    HsmConfig config =
        HsmConfig.store(losingCommits(lose))
            .keyFile(TestStores.keyFile(dir, "hsm.key"))
            .refreshInterval(Duration.ofHours(1));
    try (Engine hsm = StoreOpening.open(config)) {
      KeyHandle key = hsm.createKey("k", KeySpec.aes256Gcm());
      key.encrypt(DATA, DATA); // cached

      lose.set(true);
      assertThat(catchThrowable(key::rotate)).isInstanceOf(StoreException.class);
      lose.set(false);
      int version = ByteBuffer.wrap(key.encrypt(DATA, DATA), 1, 4).getInt();
      assertThat(version).as("the version the store made primary").isEqualTo(2);

      lose.set(true);
      assertThat(catchThrowable(key::disable)).isInstanceOf(StoreException.class);
      lose.set(false);
      assertThat(catchThrowable(() -> key.encrypt(DATA, DATA)))
          .as("the key the store holds disabled")
          .isInstanceOf(KeyDisabledException.class);
    }
  }
}
