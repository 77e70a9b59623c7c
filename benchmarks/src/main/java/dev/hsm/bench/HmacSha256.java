package dev.hsm.bench;

import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** HMAC-SHA-256 over 1 KiB. Raw limit: the JDK's SunJCE (~8x Bouncy Castle). */
@State(Scope.Benchmark)
public class HmacSha256 {
  byte[] data;
  Support.TempStore store;
  KeyHandle ours;
  SecretKey raw;

  @Setup
  public void setup() {
    data = Support.random(1024);
    store = Support.tempStore(1000);
    ours = store.client.createKey("hmac", KeySpec.hmacSha256());
    ours.mac(data);
    raw = new SecretKeySpec(Support.random(32), "HmacSHA256");
  }

  @TearDown
  public void tearDown() {
    store.close();
  }

  @State(Scope.Thread)
  public static class Jdk {
    Mac mac;

    @Setup
    public void setup(HmacSha256 b) throws Exception {
      mac = Mac.getInstance("HmacSHA256", "SunJCE");
      mac.init(b.raw);
    }
  }

  @State(Scope.Thread)
  public static class SoftHsm {
    Mac mac;

    @Setup
    public void setup(HmacSha256 b) throws Exception {
      // SunPKCS11 turns the raw key into a token session object once, at init.
      mac = Mac.getInstance("HmacSHA256", Support.softHsm());
      mac.init(b.raw);
    }
  }

  @Benchmark
  public byte[] ours() {
    return ours.mac(data);
  }

  @Benchmark
  public byte[] limit_SunJCE(Jdk e) {
    return e.mac.doFinal(data);
  }

  @Benchmark
  public byte[] softhsm2(SoftHsm e) {
    return e.mac.doFinal(data);
  }
}
