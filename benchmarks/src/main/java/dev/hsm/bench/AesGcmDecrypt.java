package dev.hsm.bench;

import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.NativeCrypto;
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
 * AES-256-GCM decryption (and tag check) of one prepared message. Raw limits: the JDK's SunJCE and
 * the native provider (ACCP); {@code pure_ours} is the library with the native provider off.
 */
@State(Scope.Benchmark)
public class AesGcmDecrypt {
  @Param({"1024", "65536"})
  int size;

  Support.TempStore store;
  Support.TempStore pureStore;
  KeyHandle pure;
  byte[] pureCiphertext;
  KeyHandle ours;
  byte[] oursCiphertext;
  SecretKey raw;
  byte[] rawNonce;
  byte[] rawCiphertext;
  SecretKey p11;
  byte[] p11Nonce;
  byte[] p11Ciphertext;

  @Setup
  public void setup() throws Exception {
    byte[] plaintext = Support.random(size);
    store = Support.tempStore(1000);
    ours = store.client.createKey("aes", KeySpec.aes256Gcm());
    oursCiphertext = ours.encrypt(plaintext);
    pureStore = Support.tempStore(1000, NativeCrypto.OFF);
    pure = pureStore.client.createKey("pure", KeySpec.aes256Gcm());
    pureCiphertext = pure.encrypt(plaintext);
    raw = new SecretKeySpec(Support.random(32), "AES");
    rawNonce = Support.random(12);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
    c.init(Cipher.ENCRYPT_MODE, raw, new GCMParameterSpec(128, rawNonce));
    rawCiphertext = c.doFinal(plaintext);
    KeyGenerator g = KeyGenerator.getInstance("AES", Support.softHsm());
    g.init(256);
    p11 = g.generateKey();
    p11Nonce = Support.random(12);
    Cipher d = Cipher.getInstance("AES/GCM/NoPadding", Support.softHsm());
    d.init(Cipher.ENCRYPT_MODE, p11, new GCMParameterSpec(128, p11Nonce));
    p11Ciphertext = d.doFinal(plaintext);
  }

  @TearDown
  public void tearDown() {
    store.close();
    pureStore.close();
  }

  @State(Scope.Thread)
  public static class Jdk {
    Cipher cipher;

    @Setup
    public void setup() throws Exception {
      cipher = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
    }
  }

  @State(Scope.Thread)
  public static class SoftHsm {
    Cipher cipher;

    @Setup
    public void setup() throws Exception {
      cipher = Cipher.getInstance("AES/GCM/NoPadding", Support.softHsm());
    }
  }

  @Benchmark
  public byte[] ours() {
    return ours.decrypt(oursCiphertext);
  }

  @Benchmark
  public byte[] limit_SunJCE(Jdk e) throws Exception {
    e.cipher.init(Cipher.DECRYPT_MODE, raw, new GCMParameterSpec(128, rawNonce));
    return e.cipher.doFinal(rawCiphertext);
  }

  @Benchmark
  public byte[] softhsm2(SoftHsm e) throws Exception {
    e.cipher.init(Cipher.DECRYPT_MODE, p11, new GCMParameterSpec(128, p11Nonce));
    return e.cipher.doFinal(p11Ciphertext);
  }

  /** The native provider's raw limit (same key and message as the SunJCE limit). */
  @State(Scope.Thread)
  public static class Accp {
    Cipher cipher;

    @Setup
    public void setup() throws Exception {
      cipher = Cipher.getInstance("AES/GCM/NoPadding", Support.ACCP);
    }
  }

  @Benchmark
  public byte[] limit_ACCP(Accp e) throws Exception {
    e.cipher.init(Cipher.DECRYPT_MODE, raw, new GCMParameterSpec(128, rawNonce));
    return e.cipher.doFinal(rawCiphertext);
  }

  /**
   * The same operation through KeyHandle with the native provider switched off (NativeCrypto.OFF).
   */
  @Benchmark
  public byte[] pure_ours() {
    return pure.decrypt(pureCiphertext);
  }
}
