package dev.hsm.bench;

import dev.hsm.KeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * First use of a key: with a four-key cache and 200 keys used round-robin, every lookup misses the
 * cache, so {@code key(name)} reads the key's record from SQLite and unwraps it, and then the key
 * signs (ECDSA P-256). Four, not one: with two threads, a one-key cache let each thread evict the
 * key the other had just loaded, so its sign loaded it a second time. The cached case is
 * EcdsaP256Sign.ours. Target: < 1 ms per first use.
 */
@State(Scope.Benchmark)
public class FirstUse {
  static final int KEYS = 200;

  byte[] data;
  String[] names;
  Support.TempStore store;

  @Setup
  public void setup() {
    data = Support.random(256);
    store = Support.tempStore(4);
    names = new String[KEYS];
    for (int i = 0; i < KEYS; i++) {
      names[i] = "first-use-" + i;
      store.client.createKey(names[i], KeySpec.ecdsaP256());
    }
  }

  @TearDown
  public void tearDown() {
    store.close();
  }

  @State(Scope.Thread)
  public static class Cursor {
    int next;

    @Setup
    public void setup() {
      next = (int) (Math.random() * KEYS);
    }
  }

  @Benchmark
  public byte[] ours(Cursor c) {
    String name = names[c.next];
    c.next = (c.next + 1) % KEYS;
    return store.client.key(name).sign(data);
  }
}
