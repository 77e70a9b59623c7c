package dev.hsm.bench;

import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
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
 * AES-256-GCM encryption with a fresh random 96-bit nonce per message. Raw limit: the JDK's SunJCE
 * (AES-NI and CLMUL intrinsics; Bouncy Castle is ~20x slower). Every variant draws its nonce from a
 * per-thread SecureRandom, as a real implementation must.
 */
@State(Scope.Benchmark)
public class AesGcmEncrypt {
  @Param({"1024", "65536"})
  int size;

  byte[] plaintext;
  Support.TempStore store;
  KeyHandle ours;
  SecretKey raw;
  SecretKey p11;

  @Setup
  public void setup() throws Exception {
    plaintext = Support.random(size);
    store = Support.tempStore(1000);
    ours = store.client.createKey("aes", KeySpec.aes256Gcm());
    ours.encrypt(plaintext);
    raw = new SecretKeySpec(Support.random(32), "AES");
    KeyGenerator g = KeyGenerator.getInstance("AES", Support.softHsm());
    g.init(256);
    p11 = g.generateKey();
  }

  @TearDown
  public void tearDown() {
    store.close();
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
}
