package dev.hsm.bench;

import dev.hsm.HsmClient;
import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import dev.hsm.config.HsmMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the starters' Micrometer meters ({@link HsmMeters}) cost per call, apart from any framework:
 * the same operation on one cached key through a plain handle and through a handle of a client with
 * an {@code HsmMeters} observer (a {@link SimpleMeterRegistry}, key names as tags, no observation
 * registry), each in its own fork of this one benchmark.
 */
@State(Scope.Benchmark)
public class MeteredHandle {
  @Param({"plain", "metered"})
  String client;

  byte[] data;
  Support.TempStore store;
  KeyHandle aes;
  KeyHandle ecdsa;

  @Setup
  public void setup() {
    data = Support.random(1024);
    Support.TempStore plain = Support.tempStore(1000);
    if (client.equals("metered")) {
      plain.client.close();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      HsmClient[] opened = new HsmClient[1];
      HsmMeters meters =
          new HsmMeters(
              registry, true, null, () -> opened[0], Duration.ofSeconds(10), Clock.systemUTC());
      opened[0] = HsmClient.open(plain.config.observe(meters));
      store = new Support.TempStore(plain.dir, plain.config, opened[0]);
    } else {
      store = plain;
    }
    aes = store.client.createKey("aes", KeySpec.aes256Gcm());
    ecdsa = store.client.createKey("ecdsa", KeySpec.ecdsaP256());
    aes.encrypt(data);
    ecdsa.sign(data);
  }

  @TearDown
  public void tearDown() {
    store.close();
  }

  @Benchmark
  public byte[] aesGcmEncrypt1k() {
    return aes.encrypt(data);
  }

  @Benchmark
  public byte[] ecdsaP256Sign() {
    return ecdsa.sign(data);
  }
}
