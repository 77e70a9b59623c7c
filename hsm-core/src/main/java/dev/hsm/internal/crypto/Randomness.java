package dev.hsm.internal.crypto;

import java.security.SecureRandom;

/**
 * The library's CSPRNG. One {@link SecureRandom} per thread, so concurrent operations do not
 * contend on a shared generator's lock.
 */
public final class Randomness {
  private static final ThreadLocal<SecureRandom> PER_THREAD =
      ThreadLocal.withInitial(SecureRandom::new);

  /** Nonce bytes drawn ahead per thread: one generator call serves about 85 AEAD nonces. */
  private static final int NONCE_BATCH_BYTES = 1024;

  private static final ThreadLocal<NonceBatch> NONCES = ThreadLocal.withInitial(NonceBatch::new);

  private Randomness() {}

  /** This thread's generator. */
  public static SecureRandom secureRandom() {
    return PER_THREAD.get();
  }

  /** {@code count} fresh random bytes. */
  public static byte[] bytes(int count) {
    byte[] out = new byte[count];
    PER_THREAD.get().nextBytes(out);
    return out;
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
    if (count > NONCE_BATCH_BYTES) {
      byte[] fresh = bytes(count);
      System.arraycopy(fresh, 0, out, offset, count);
      return;
    }
    if (batch.next + count > NONCE_BATCH_BYTES) {
      PER_THREAD.get().nextBytes(batch.bytes);
      batch.next = 0;
    }
    System.arraycopy(batch.bytes, batch.next, out, offset, count);
    batch.next += count;
  }

  private static final class NonceBatch {
    final byte[] bytes = new byte[NONCE_BATCH_BYTES];
    int next = NONCE_BATCH_BYTES; // empty: the first nonce fills it
  }
}
