package dev.hsm.internal.crypto;

import java.security.SecureRandom;

/**
 * The library's CSPRNG. One {@link SecureRandom} per thread, so concurrent operations that need
 * nonces do not contend on a shared generator's lock.
 */
public final class Randomness {
  private static final ThreadLocal<SecureRandom> PER_THREAD =
      ThreadLocal.withInitial(SecureRandom::new);

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
}
