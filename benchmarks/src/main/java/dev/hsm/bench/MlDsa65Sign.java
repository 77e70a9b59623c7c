package dev.hsm.bench;

import dev.hsm.KeyHandle;
import dev.hsm.KeyMaterial;
import dev.hsm.KeySpec;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.MLDSASigner;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * ML-DSA-65 (FIPS 204, hedged, empty context), signing 256 bytes. Raw limits: Bouncy Castle's JCA
 * signature (what the library runs) and its low-level {@code MLDSASigner}, each thread with one
 * initialised engine. No SoftHSM2: version 2.6.1 has no post-quantum mechanism.
 *
 * <p>All three sign with one private key (imported into our store): ML-DSA signing repeats until a
 * candidate passes its bounds, and how often that takes depends on the key, so three different keys
 * made the ratios swing by more than 10% from run to run.
 */
@State(Scope.Benchmark)
public class MlDsa65Sign {
  byte[] data;
  Support.TempStore store;
  KeyHandle ours;
  KeyPair raw;
  AsymmetricCipherKeyPair lowLevel;

  @Setup
  public void setup() throws Exception {
    data = Support.random(256);
    store = Support.tempStore(1000);
    raw = KeyPairGenerator.getInstance("ML-DSA-65", Support.BC).generateKeyPair();
    ours =
        store.client.importKey(
            "ml-dsa-65",
            KeySpec.mlDsa65(),
            KeyMaterial.privateKeyPkcs8(raw.getPrivate().getEncoded()));
    ours.sign(data);
    lowLevel =
        new AsymmetricCipherKeyPair(
            PublicKeyFactory.createKey(raw.getPublic().getEncoded()),
            PrivateKeyFactory.createKey(raw.getPrivate().getEncoded()));
  }

  @TearDown
  public void tearDown() {
    store.close();
  }

  @State(Scope.Thread)
  public static class Bc {
    Signature signature;

    @Setup
    public void setup(MlDsa65Sign b) throws Exception {
      signature = Signature.getInstance("ML-DSA-65", Support.BC);
      signature.initSign(b.raw.getPrivate(), new SecureRandom());
    }
  }

  @State(Scope.Thread)
  public static class BcLowLevel {
    MLDSASigner signer;
    SecureRandom random;

    @Setup
    public void setup(MlDsa65Sign b) {
      signer = new MLDSASigner();
      random = new SecureRandom();
      signer.init(true, new ParametersWithRandom(b.lowLevel.getPrivate(), random));
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
  public byte[] limit_BCLowLevel(BcLowLevel e) throws Exception {
    e.signer.update(data, 0, data.length);
    return e.signer.generateSignature(); // resets the signer, ready for the next
  }
}
