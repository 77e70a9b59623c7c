package dev.hsm.bench;

import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.SLHDSAKeyPairGenerator;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.SLHDSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.SLHDSAParameters;
import org.bouncycastle.crypto.signers.SLHDSASigner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * SLH-DSA-SHAKE-128f (FIPS 205, randomized, empty context), signing 256 bytes: a few signatures a
 * second. Raw limits: Bouncy Castle's JCA signature and its low-level {@code SLHDSASigner}. The "s"
 * sets sign in seconds, too slow for this run's one-second iterations, so they are not measured.
 */
@State(Scope.Benchmark)
public class SlhDsaShake128fSign {
  byte[] data;
  Support.TempStore store;
  KeyHandle ours;
  KeyPair raw;
  AsymmetricCipherKeyPair lowLevel;

  @Setup
  public void setup() throws Exception {
    data = Support.random(256);
    store = Support.tempStore(1000);
    ours = store.client.createKey("slh-dsa", KeySpec.slhDsaShake_128f());
    ours.sign(data);
    raw = KeyPairGenerator.getInstance("SLH-DSA-SHAKE-128F", Support.BC).generateKeyPair();
    SLHDSAKeyPairGenerator generator = new SLHDSAKeyPairGenerator();
    generator.init(
        new SLHDSAKeyGenerationParameters(new SecureRandom(), SLHDSAParameters.shake_128f));
    lowLevel = generator.generateKeyPair();
  }

  @TearDown
  public void tearDown() {
    store.close();
  }

  @State(Scope.Thread)
  public static class Bc {
    Signature signature;

    @Setup
    public void setup(SlhDsaShake128fSign b) throws Exception {
      signature = Signature.getInstance("SLH-DSA-SHAKE-128F", Support.BC);
      signature.initSign(b.raw.getPrivate(), new SecureRandom());
    }
  }

  @State(Scope.Thread)
  public static class BcLowLevel {
    SLHDSASigner signer;

    @Setup
    public void setup(SlhDsaShake128fSign b) {
      signer = new SLHDSASigner();
      signer.init(true, new ParametersWithRandom(b.lowLevel.getPrivate(), new SecureRandom()));
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
  public byte[] limit_BCLowLevel(BcLowLevel e) {
    return e.signer.generateSignature(data);
  }
}
