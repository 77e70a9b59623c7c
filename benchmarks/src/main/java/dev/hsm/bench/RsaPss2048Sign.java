package dev.hsm.bench;

import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * RSA-2048 PSS (SHA-256, MGF1-SHA-256, 32-byte salt), signing 256 bytes. Raw limit: the JDK's
 * SunRsaSign (Bouncy Castle measured the same earlier; the library uses SunRsaSign).
 */
@State(Scope.Benchmark)
public class RsaPss2048Sign {
  byte[] data;
  Support.TempStore store;
  KeyHandle ours;
  KeyPair raw;
  KeyPair p11;

  @Setup
  public void setup() throws Exception {
    data = Support.random(256);
    store = Support.tempStore(1000);
    ours = store.client.createKey("rsa", KeySpec.rsaPssSha256(2048));
    ours.sign(data);
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
}
