package dev.hsm.bench;

import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.MLDSAKeyPairGenerator;
import org.bouncycastle.crypto.params.MLDSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.MLDSASigner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * ML-DSA-65, verifying one prepared signature of 256 bytes. Raw limits: Bouncy Castle's JCA
 * signature and its low-level {@code MLDSASigner}.
 */
@State(Scope.Benchmark)
public class MlDsa65Verify {
  byte[] data;
  Support.TempStore store;
  KeyHandle ours;
  byte[] oursSignature;
  KeyPair raw;
  byte[] rawSignature;
  AsymmetricCipherKeyPair lowLevel;
  byte[] lowLevelSignature;

  @Setup
  public void setup() throws Exception {
    data = Support.random(256);
    store = Support.tempStore(1000);
    ours = store.client.createKey("ml-dsa-65", KeySpec.mlDsa65());
    oursSignature = ours.sign(data);
    ours.verify(data, oursSignature);
    raw = KeyPairGenerator.getInstance("ML-DSA-65", Support.BC).generateKeyPair();
    Signature s = Signature.getInstance("ML-DSA-65", Support.BC);
    s.initSign(raw.getPrivate());
    s.update(data);
    rawSignature = s.sign();
    MLDSAKeyPairGenerator generator = new MLDSAKeyPairGenerator();
    generator.init(new MLDSAKeyGenerationParameters(new SecureRandom(), MLDSAParameters.ml_dsa_65));
    lowLevel = generator.generateKeyPair();
    MLDSASigner signer = new MLDSASigner();
    signer.init(true, new ParametersWithRandom(lowLevel.getPrivate(), new SecureRandom()));
    signer.update(data, 0, data.length);
    lowLevelSignature = signer.generateSignature();
  }

  @TearDown
  public void tearDown() {
    store.close();
  }

  @State(Scope.Thread)
  public static class Bc {
    Signature signature;

    @Setup
    public void setup(MlDsa65Verify b) throws Exception {
      signature = Signature.getInstance("ML-DSA-65", Support.BC);
      signature.initVerify(b.raw.getPublic());
    }
  }

  @State(Scope.Thread)
  public static class BcLowLevel {
    MLDSASigner verifier;

    @Setup
    public void setup(MlDsa65Verify b) {
      verifier = new MLDSASigner();
      verifier.init(false, b.lowLevel.getPublic());
    }
  }

  @Benchmark
  public void ours() {
    ours.verify(data, oursSignature);
  }

  @Benchmark
  public boolean limit_BC(Bc e) throws Exception {
    e.signature.update(data);
    return e.signature.verify(rawSignature);
  }

  @Benchmark
  public boolean limit_BCLowLevel(BcLowLevel e) {
    e.verifier.update(data, 0, data.length);
    return e.verifier.verifySignature(lowLevelSignature);
  }
}
