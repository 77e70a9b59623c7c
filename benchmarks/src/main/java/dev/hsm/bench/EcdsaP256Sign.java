package dev.hsm.bench;

import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.NativeCrypto;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * ECDSA P-256 with SHA-256, signing 256 bytes. Raw limits: Bouncy Castle (JDK 17's is ~6x slower)
 * and the native provider (ACCP); {@code pure_ours} is the library with the native provider off.
 */
@State(Scope.Benchmark)
public class EcdsaP256Sign {
  byte[] data;
  Support.TempStore store;
  Support.TempStore pureStore;
  KeyHandle pure;
  KeyHandle ours;
  KeyPair raw;
  KeyPair p11;

  @Setup
  public void setup() throws Exception {
    data = Support.random(256);
    store = Support.tempStore(1000);
    ours = store.client.createKey("ecdsa", KeySpec.ecdsaP256());
    ours.sign(data); // load into the cache
    pureStore = Support.tempStore(1000, NativeCrypto.OFF);
    pure = pureStore.client.createKey("pure", KeySpec.ecdsaP256());
    pure.sign(data);
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", Support.BC);
    g.initialize(new ECGenParameterSpec("secp256r1"));
    raw = g.generateKeyPair();
    KeyPairGenerator h = KeyPairGenerator.getInstance("EC", Support.softHsm());
    h.initialize(new ECGenParameterSpec("secp256r1"));
    p11 = h.generateKeyPair();
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
    public void setup(EcdsaP256Sign b) throws Exception {
      signature = Signature.getInstance("SHA256withECDSA", Support.BC);
      signature.initSign(b.raw.getPrivate());
    }
  }

  @State(Scope.Thread)
  public static class SoftHsm {
    Signature signature;

    @Setup
    public void setup(EcdsaP256Sign b) throws Exception {
      signature = Signature.getInstance("SHA256withECDSA", Support.softHsm());
      signature.initSign(b.p11.getPrivate());
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

  @Benchmark
  public byte[] softhsm2(SoftHsm e) throws Exception {
    e.signature.update(data);
    return e.signature.sign();
  }

  /** The native provider's raw limit: its own key object, one engine per thread. */
  @State(Scope.Thread)
  public static class Accp {
    Signature signature;

    @Setup
    public void setup() throws Exception {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", Support.ACCP);
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = g.generateKeyPair();
      signature = Signature.getInstance("SHA256withECDSA", Support.ACCP);
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
