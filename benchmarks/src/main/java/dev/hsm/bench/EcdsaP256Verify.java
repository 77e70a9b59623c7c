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
 * ECDSA P-256 with SHA-256, verifying a signature over 256 bytes. Raw limits: Bouncy Castle and the
 * native provider (ACCP); {@code pure_ours} is the library with the native provider off.
 */
@State(Scope.Benchmark)
public class EcdsaP256Verify {
  byte[] data;
  Support.TempStore store;
  Support.TempStore pureStore;
  KeyHandle pure;
  byte[] pureSignature;
  KeyHandle ours;
  byte[] oursSignature;
  KeyPair raw;
  byte[] rawSignature;
  KeyPair p11;
  byte[] p11Signature;

  @Setup
  public void setup() throws Exception {
    data = Support.random(256);
    store = Support.tempStore(1000);
    ours = store.client.createKey("ecdsa", KeySpec.ecdsaP256());
    oursSignature = ours.sign(data);
    pureStore = Support.tempStore(1000, NativeCrypto.OFF);
    pure = pureStore.client.createKey("pure", KeySpec.ecdsaP256());
    pureSignature = pure.sign(data);
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", Support.BC);
    g.initialize(new ECGenParameterSpec("secp256r1"));
    raw = g.generateKeyPair();
    Signature s = Signature.getInstance("SHA256withECDSA", Support.BC);
    s.initSign(raw.getPrivate());
    s.update(data);
    rawSignature = s.sign();
    KeyPairGenerator h = KeyPairGenerator.getInstance("EC", Support.softHsm());
    h.initialize(new ECGenParameterSpec("secp256r1"));
    p11 = h.generateKeyPair();
    Signature t = Signature.getInstance("SHA256withECDSA", Support.softHsm());
    t.initSign(p11.getPrivate());
    t.update(data);
    p11Signature = t.sign();
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
    public void setup(EcdsaP256Verify b) throws Exception {
      signature = Signature.getInstance("SHA256withECDSA", Support.BC);
      signature.initVerify(b.raw.getPublic());
    }
  }

  @State(Scope.Thread)
  public static class SoftHsm {
    Signature signature;

    @Setup
    public void setup(EcdsaP256Verify b) throws Exception {
      signature = Signature.getInstance("SHA256withECDSA", Support.softHsm());
      signature.initVerify(b.p11.getPublic());
    }
  }

  @Benchmark
  public void ours() {
    ours.verify(data, oursSignature);
  }

  @Benchmark
  public boolean limit_BC(Bc e) throws Exception {
    e.signature.update(data);
    if (!e.signature.verify(rawSignature)) {
      throw new IllegalStateException("BC signature did not verify");
    }
    return true;
  }

  @Benchmark
  public boolean softhsm2(SoftHsm e) throws Exception {
    e.signature.update(data);
    if (!e.signature.verify(p11Signature)) {
      throw new IllegalStateException("SoftHSM2 signature did not verify");
    }
    return true;
  }

  /** The native provider's raw limit: its own key object, one engine per thread. */
  @State(Scope.Thread)
  public static class Accp {
    Signature signature;
    byte[] accpSignature;

    @Setup
    public void setup(EcdsaP256Verify b) throws Exception {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", Support.ACCP);
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = g.generateKeyPair();
      signature = Signature.getInstance("SHA256withECDSA", Support.ACCP);
      signature.initSign(pair.getPrivate());
      signature.update(b.data);
      accpSignature = signature.sign();
      signature.initVerify(pair.getPublic());
    }
  }

  @Benchmark
  public boolean limit_ACCP(Accp e) throws Exception {
    e.signature.update(data);
    if (!e.signature.verify(e.accpSignature)) {
      throw new IllegalStateException("ACCP signature did not verify");
    }
    return true;
  }

  /**
   * The same operation through KeyHandle with the native provider switched off (NativeCrypto.OFF).
   */
  @Benchmark
  public void pure_ours() {
    pure.verify(data, pureSignature);
  }
}
