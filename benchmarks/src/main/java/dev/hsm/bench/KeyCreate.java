package dev.hsm.bench;

import dev.hsm.KeySpec;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Durable creation of an EC P-256 key: ours commits it (wrapped) to SQLite before returning;
 * SoftHSM2 generates a token (persistent) key pair. There is no raw "limit" for this row: the
 * target is absolute (>= 1,000 keys/s).
 */
@State(Scope.Benchmark)
public class KeyCreate {
  final AtomicLong counter = new AtomicLong();
  Support.TempStore store;

  @Setup
  public void setup() {
    store = Support.tempStore(1000);
  }

  @TearDown
  public void tearDown() {
    store.close();
  }

  @State(Scope.Thread)
  public static class SoftHsm {
    KeyPairGenerator generator;

    @Setup
    public void setup() throws Exception {
      generator = KeyPairGenerator.getInstance("EC", Support.softHsmTokenKeys());
      generator.initialize(new ECGenParameterSpec("secp256r1"));
    }
  }

  @Benchmark
  public Object ours() {
    return store.client.createKey("k-" + counter.incrementAndGet(), KeySpec.ecdsaP256());
  }

  @Benchmark
  public KeyPair softhsm2(SoftHsm e) {
    return e.generator.generateKeyPair();
  }
}
