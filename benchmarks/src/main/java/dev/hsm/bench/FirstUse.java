package dev.hsm.bench;

import dev.hsm.KeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * First use of a key: with a one-key cache and keys used round-robin, every sign misses the cache,
 * so it reads the key's record from SQLite, unwraps it and then signs (ECDSA P-256). The cached
 * case is EcdsaP256Sign.ours. Target: < 1 ms per first use.
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
    store = Support.tempStore(1);
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
