package dev.hsm.bench;

import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.NativeCrypto;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * AES-256-GCM encryption with a fresh random 96-bit nonce per message. Raw limits: the JDK's SunJCE
 * (AES-NI and CLMUL intrinsics; Bouncy Castle is ~20x slower) and the native provider (ACCP);
 * {@code pure_ours} is the library with the native provider off. Every variant draws its nonce from
 * a per-thread SecureRandom, as a real implementation must.
 */
@State(Scope.Benchmark)
public class AesGcmEncrypt {
  @Param({"1024", "65536"})
  int size;

  byte[] plaintext;
  Support.TempStore store;
  Support.TempStore pureStore;
  KeyHandle pure;
  KeyHandle ours;
  SecretKey raw;
  SecretKey p11;

  @Setup
  public void setup() throws Exception {
    plaintext = Support.random(size);
    store = Support.tempStore(1000);
    ours = store.client.createKey("aes", KeySpec.aes256Gcm());
    ours.encrypt(plaintext);
    pureStore = Support.tempStore(1000, NativeCrypto.OFF);
    pure = pureStore.client.createKey("pure", KeySpec.aes256Gcm());
    pure.encrypt(plaintext);
    raw = new SecretKeySpec(Support.random(32), "AES");
    KeyGenerator g = KeyGenerator.getInstance("AES", Support.softHsm());
    g.init(256);
    p11 = g.generateKey();
  }

  @TearDown
  public void tearDown() {
    store.close();
    pureStore.close();
  }

  @State(Scope.Thread)
  public static class Jdk {
    final SecureRandom random = new SecureRandom();
    final byte[] nonce = new byte[12];
    Cipher cipher;

    @Setup
    public void setup() throws Exception {
      cipher = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
    }
  }

  @State(Scope.Thread)
  public static class SoftHsm {
    final SecureRandom random = new SecureRandom();
    final byte[] nonce = new byte[12];
    Cipher cipher;

    @Setup
    public void setup() throws Exception {
      cipher = Cipher.getInstance("AES/GCM/NoPadding", Support.softHsm());
    }
  }

  @Benchmark
  public byte[] ours() {
    return ours.encrypt(plaintext);
  }

  @Benchmark
  public byte[] limit_SunJCE(Jdk e) throws Exception {
    e.random.nextBytes(e.nonce);
    e.cipher.init(Cipher.ENCRYPT_MODE, raw, new GCMParameterSpec(128, e.nonce));
    return e.cipher.doFinal(plaintext);
  }

  @Benchmark
  public byte[] softhsm2(SoftHsm e) throws Exception {
    e.random.nextBytes(e.nonce);
    e.cipher.init(Cipher.ENCRYPT_MODE, p11, new GCMParameterSpec(128, e.nonce));
    return e.cipher.doFinal(plaintext);
  }

  /** The native provider's raw limit. */
  @State(Scope.Thread)
  public static class Accp {
    final SecureRandom random = new SecureRandom();
    final byte[] nonce = new byte[12];
    Cipher cipher;

    @Setup
    public void setup() throws Exception {
      cipher = Cipher.getInstance("AES/GCM/NoPadding", Support.ACCP);
    }
  }

  @Benchmark
  public byte[] limit_ACCP(Accp e) throws Exception {
    e.random.nextBytes(e.nonce);
    e.cipher.init(Cipher.ENCRYPT_MODE, raw, new GCMParameterSpec(128, e.nonce));
    return e.cipher.doFinal(plaintext);
  }

  /**
   * The same operation through KeyHandle with the native provider switched off (NativeCrypto.OFF).
   */
  @Benchmark
  public byte[] pure_ours() {
    return pure.encrypt(plaintext);
  }
}
