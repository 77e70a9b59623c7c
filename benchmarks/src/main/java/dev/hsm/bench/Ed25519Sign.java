package dev.hsm.bench;

import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.NativeCrypto;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Ed25519, signing 256 bytes. Raw limits: Bouncy Castle (~20x the JDK 17's) and the native provider
 * (ACCP); {@code pure_ours} is the library with the native provider off. SoftHSM2 is not measured:
 * the JDK 17 SunPKCS11 provider offers no EdDSA (Prepare records the probe).
 */
@State(Scope.Benchmark)
public class Ed25519Sign {
  byte[] data;
  Support.TempStore store;
  Support.TempStore pureStore;
  KeyHandle pure;
  KeyHandle ours;
  KeyPair raw;

  @Setup
  public void setup() throws Exception {
    data = Support.random(256);
    store = Support.tempStore(1000);
    ours = store.client.createKey("ed25519", KeySpec.ed25519());
    ours.sign(data);
    pureStore = Support.tempStore(1000, NativeCrypto.OFF);
    pure = pureStore.client.createKey("pure", KeySpec.ed25519());
    pure.sign(data);
    raw = KeyPairGenerator.getInstance("Ed25519", Support.BC).generateKeyPair();
  }

  @TearDown
  public void tearDown() {
    store.close();
    pureStore.close();
  }

  @State(Scope.Thread)
  public static class Bc {
    Signature signature;

    @Setup
    public void setup(Ed25519Sign b) throws Exception {
      signature = Signature.getInstance("Ed25519", Support.BC);
      signature.initSign(b.raw.getPrivate());
    }
  }

  @Benchmark
  public byte[] ours() {
    return ours.sign(data);
  }

  @Benchmark
  public byte[] limit_BC(Bc e) throws Exception {
    e.signature.update(data);
    return e.signature.sign();
  }

  /** The native provider's raw limit: its own key object, one engine per thread. */
  @State(Scope.Thread)
  public static class Accp {
    Signature signature;

    @Setup
    public void setup() throws Exception {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519", Support.ACCP).generateKeyPair();
      signature = Signature.getInstance("Ed25519", Support.ACCP);
      signature.initSign(pair.getPrivate());
    }
  }

  @Benchmark
  public byte[] limit_ACCP(Accp e) throws Exception {
    e.signature.update(data);
    return e.signature.sign();
  }

  /**
   * The same operation through KeyHandle with the native provider switched off (NativeCrypto.OFF).
   */
  @Benchmark
  public byte[] pure_ours() {
    return pure.sign(data);
  }
}
