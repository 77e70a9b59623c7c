package dev.hsm.bench;

import dev.hsm.KeyHandle;
import dev.hsm.KeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Cached operations on a PostgreSQL-backed client against the same on an SQLite-backed one (issue
 * 13): the operations of the main table, on a key the client has in its cache. ECDSA P-256 sign of
 * 256 bytes, AES-256-GCM encrypt of 1 KiB, HMAC-SHA-256 of 1 KiB. {@code store} picks the client's
 * store; both use the default 1 s refresh interval, so in the background each saves its usage
 * counters and looks for other instances' changes (PostgreSQL: also a listening connection).
 * Target: postgresql >= 0.9x sqlite.
 */
@State(Scope.Benchmark)
@Threads(1)
public class PgCached {
  @Param({"sqlite", "postgresql"})
  String store;

  byte[] data;
  byte[] plaintext;
  Support.TempStore temp;
  KeyHandle ecdsa;
  KeyHandle aes;
  KeyHandle hmac;

  @Setup
  public void setup() {
    data = Support.random(256);
    plaintext = Support.random(1024);
    temp = PgSupport.tempStore(store, 1000);
    ecdsa = temp.client.createKey("ecdsa", KeySpec.ecdsaP256());
    aes = temp.client.createKey("aes", KeySpec.aes256Gcm());
    hmac = temp.client.createKey("hmac", KeySpec.hmacSha256());
    ecdsa.sign(data);
    aes.encrypt(plaintext);
    hmac.mac(plaintext);
  }

  @TearDown
  public void tearDown() {
    temp.close();
  }

  @Benchmark
  public byte[] ecdsaP256Sign() {
    return ecdsa.sign(data);
  }

  @Benchmark
  public byte[] aesGcmEncrypt1k() {
    return aes.encrypt(plaintext);
  }

  @Benchmark
  public byte[] hmacSha256() {
    return hmac.mac(plaintext);
  }
}
