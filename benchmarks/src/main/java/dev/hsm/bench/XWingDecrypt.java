package dev.hsm.bench;

import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Hybrid post-quantum decryption of one prepared 1 KiB message (X-Wing HPKE, as {@link
 * XWingEncrypt}). Raw limit: Bouncy Castle's own HPKE ({@code HPKE.open}).
 */
@State(Scope.Benchmark)
public class XWingDecrypt {
  byte[] plaintext;
  Support.TempStore store;
  KeyHandle ours;
  byte[] oursCiphertext;
  HPKE hpke;
  AsymmetricCipherKeyPair raw;
  byte[][] rawSealed;

  @Setup
  public void setup() throws Exception {
    plaintext = Support.random(1024);
    store = Support.tempStore(1000);
    ours = store.client.createKey("x-wing", KeySpec.mlKem768X25519());
    oursCiphertext = ours.encrypt(plaintext, XWingEncrypt.CONTEXT);
    hpke = XWingEncrypt.xWing();
    raw = hpke.generatePrivateKey();
    rawSealed =
        hpke.seal(raw.getPublic(), new byte[0], XWingEncrypt.CONTEXT, plaintext, null, null, null);
  }

  @TearDown
  public void tearDown() {
    store.close();
  }

  @Benchmark
  public byte[] ours() {
    return ours.decrypt(oursCiphertext, XWingEncrypt.CONTEXT);
  }

  @Benchmark
  public byte[] limit_BC() throws Exception {
    return hpke.open(
        rawSealed[1], raw, new byte[0], XWingEncrypt.CONTEXT, rawSealed[0], null, null, null);
  }
}
