package dev.hsm.internal.crypto;

import java.security.SecureRandom;

/**
 * The library's CSPRNG. One {@link SecureRandom} per thread, so concurrent operations do not
 * contend on a shared generator's lock.
 *
 * <p>A JVM checkpoint restored more than once (CRaC) would replay whatever generator state and
 * pre-drawn nonces were in memory when it was taken, in every copy: on a CRaC restore ({@link
 * CracHook}) both are thrown away. A snapshot of the whole virtual machine cannot be noticed from
 * inside it, so such snapshots are not supported (README).
 */
public final class Randomness {
  /** Moves on every restore of a checkpoint: state from an older epoch is discarded. */
  private static volatile int epoch;

  private static final ThreadLocal<Generator> PER_THREAD = ThreadLocal.withInitial(Generator::new);

  /** Nonce bytes drawn ahead per thread: one generator call serves about 85 AEAD nonces. */
  private static final int NONCE_BATCH_BYTES = 1024;

  private static final ThreadLocal<NonceBatch> NONCES = ThreadLocal.withInitial(NonceBatch::new);

  private Randomness() {}

  /** This thread's generator. */
  public static SecureRandom secureRandom() {
    Generator generator = PER_THREAD.get();
    if (generator.epoch != epoch) { // restored from a checkpoint: a fresh generator
      generator = new Generator();
      PER_THREAD.set(generator);
    }
    return generator.random;
  }

  /** {@code count} fresh random bytes. */
  public static byte[] bytes(int count) {
    byte[] out = new byte[count];
    secureRandom().nextBytes(out);
    return out;
  }

  /**
   * Throws away every thread's generator and pre-drawn nonces, at their next use: after a
   * checkpoint was restored, they may be the same in every copy of the process.
   */
  public static void discardAfterRestore() {
    epoch++;
  }

  /** What is left of this thread's pre-drawn nonce bytes (for tests). */
  static byte[] prefetched() {
    NonceBatch batch = NONCES.get();
    return java.util.Arrays.copyOfRange(batch.bytes, batch.next, NONCE_BATCH_BYTES);
  }

  /**
   * Writes {@code count} fresh random bytes for a <em>public</em> nonce into {@code out} at {@code
   * offset}. They come from the same generator, drawn in batches per thread: the JDK's default
   * generator takes a process-wide lock per call, which at a million AEAD messages a second costs
   * more than the copy, and stops a second thread from scaling. Each byte is handed out once. Never
   * use this for secrets: a batch waits in memory until it is used.
   */
  static void nonce(byte[] out, int offset, int count) {
    NonceBatch batch = NONCES.get();
    if (batch.epoch != epoch) {
      batch.epoch = epoch;
      batch.next = NONCE_BATCH_BYTES; // drawn before a restore: never hand it out
    }
    if (count > NONCE_BATCH_BYTES) {
      byte[] fresh = bytes(count);
      System.arraycopy(fresh, 0, out, offset, count);
      return;
    }
    if (batch.next + count > NONCE_BATCH_BYTES) {
      secureRandom().nextBytes(batch.bytes);
      batch.next = 0;
    }
    System.arraycopy(batch.bytes, batch.next, out, offset, count);
    batch.next += count;
  }

  private static final class NonceBatch {
    final byte[] bytes = new byte[NONCE_BATCH_BYTES];
    int next = NONCE_BATCH_BYTES; // empty: the first nonce fills it
    int epoch = Randomness.epoch;
  }

  private static final class Generator {
    final SecureRandom random = new SecureRandom();
    final int epoch = Randomness.epoch;
  }

  static {
    CracHook.register();
  }
}
