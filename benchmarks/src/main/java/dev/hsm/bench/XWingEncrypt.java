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
 * Hybrid post-quantum encryption of 1 KiB: HPKE with X-Wing (ML-KEM-768 + X25519), HKDF-SHA-256 and
 * AES-256-GCM, a fresh encapsulation per message, the context as associated data. Raw limit: Bouncy
 * Castle's own HPKE ({@code HPKE.seal}, single shot) with the same suite.
 */
@State(Scope.Benchmark)
public class XWingEncrypt {
  static final byte[] CONTEXT = "bench".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  byte[] plaintext;
  Support.TempStore store;
  KeyHandle ours;
  HPKE hpke;
  AsymmetricCipherKeyPair raw;

  @Setup
  public void setup() throws Exception {
    plaintext = Support.random(1024);
    store = Support.tempStore(1000);
    ours = store.client.createKey("x-wing", KeySpec.mlKem768X25519());
    ours.decrypt(ours.encrypt(plaintext, CONTEXT), CONTEXT);
    hpke = xWing();
    raw = hpke.generatePrivateKey();
  }

  static HPKE xWing() {
    return new HPKE(HPKE.mode_base, HPKE.kem_X_WING, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
  }

  @TearDown
  public void tearDown() {
    store.close();
  }

  @Benchmark
  public byte[] ours() {
    return ours.encrypt(plaintext, CONTEXT);
  }

  @Benchmark
  public byte[][] limit_BC() throws Exception {
    return hpke.seal(raw.getPublic(), new byte[0], CONTEXT, plaintext, null, null, null);
  }
}
