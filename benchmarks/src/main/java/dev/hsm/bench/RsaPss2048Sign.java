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
 * RSA-2048 PSS (SHA-256, MGF1-SHA-256, 32-byte salt), signing 256 bytes. Raw limits: the JDK's
 * SunRsaSign (Bouncy Castle measured the same earlier) and the native provider (ACCP); {@code
 * pure_ours} is the library with the native provider off (SunRsaSign).
 */
@State(Scope.Benchmark)
public class RsaPss2048Sign {
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
    ours = store.client.createKey("rsa", KeySpec.rsaPssSha256(2048));
    ours.sign(data);
    pureStore = Support.tempStore(1000, NativeCrypto.OFF);
    pure = pureStore.client.createKey("pure", KeySpec.rsaPssSha256(2048));
    pure.sign(data);
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
    g.initialize(2048);
    raw = g.generateKeyPair();
    KeyPairGenerator h = KeyPairGenerator.getInstance("RSA", Support.softHsm());
    h.initialize(2048);
    p11 = h.generateKeyPair();
  }

  @TearDown
  public void tearDown() {
    store.close();
    pureStore.close();
  }

  @State(Scope.Thread)
  public static class Jdk {
    Signature signature;

    @Setup
    public void setup(RsaPss2048Sign b) throws Exception {
      signature = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
      signature.setParameter(Support.PSS_SHA256);
      signature.initSign(b.raw.getPrivate());
    }
  }

  @State(Scope.Thread)
  public static class SoftHsm {
    Signature signature;

    @Setup
    public void setup(RsaPss2048Sign b) throws Exception {
      signature = Signature.getInstance("SHA256withRSASSA-PSS", Support.softHsm());
      signature.setParameter(Support.PSS_SHA256);
      signature.initSign(b.p11.getPrivate());
    }
  }

  @Benchmark
  public byte[] ours() {
    return ours.sign(data);
  }

  @Benchmark
  public byte[] limit_SunRsaSign(Jdk e) throws Exception {
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
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", Support.ACCP);
      g.initialize(2048);
      KeyPair pair = g.generateKeyPair();
      signature = Signature.getInstance("RSASSA-PSS", Support.ACCP);
      signature.setParameter(Support.PSS_SHA256);
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
