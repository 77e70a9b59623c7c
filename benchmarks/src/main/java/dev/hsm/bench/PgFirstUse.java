package dev.hsm.bench;

import dev.hsm.KeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * First use of a key on a PostgreSQL-backed client against an SQLite-backed one (issue 13), as
 * {@link FirstUse}: a four-key cache and 200 ECDSA P-256 keys used round-robin, so every lookup
 * misses the cache and {@code key(name)} reads the key's record from the store (PostgreSQL: a query
 * on a pooled connection to the local server) and unwraps it; then the key signs 256 bytes. One
 * thread. Reported in ms per first use, beside SQLite's; FirstUse's target is < 1 ms.
 */
@State(Scope.Benchmark)
@Threads(1)
public class PgFirstUse {
  static final int KEYS = 200;

  @Param({"sqlite", "postgresql"})
  String store;

  byte[] data;
  String[] names;
  Support.TempStore temp;
  int next;

  @Setup
  public void setup() {
    data = Support.random(256);
    temp = PgSupport.tempStore(store, 4);
    names = new String[KEYS];
    for (int i = 0; i < KEYS; i++) {
      names[i] = "first-use-" + i;
      temp.client.createKey(names[i], KeySpec.ecdsaP256());
    }
  }

  @TearDown
  public void tearDown() {
    temp.close();
  }

  @Benchmark
  public byte[] firstUse() {
    String name = names[next];
    next = next + 1 == KEYS ? 0 : next + 1;
    return temp.client.key(name).sign(data);
  }
}
