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
 * Ed25519, signing 256 bytes. Raw limit: Bouncy Castle (~20x the JDK 17's). SoftHSM2 is not
 * measured: the JDK 17 SunPKCS11 provider offers no EdDSA (Prepare records the probe).
 */
@State(Scope.Benchmark)
public class Ed25519Sign {
  byte[] data;
  Support.TempStore store;
  KeyHandle ours;
  KeyPair raw;

  @Setup
  public void setup() throws Exception {
    data = Support.random(256);
    store = Support.tempStore(1000);
    ours = store.client.createKey("ed25519", KeySpec.ed25519());
    ours.sign(data);
    raw = KeyPairGenerator.getInstance("Ed25519", Support.BC).generateKeyPair();
  }

  @TearDown
  public void tearDown() {
    store.close();
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
}
