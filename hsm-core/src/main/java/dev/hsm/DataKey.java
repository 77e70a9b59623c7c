package dev.hsm;

import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * A fresh 256-bit data key for envelope encryption, as returned by {@link
 * KeyHandle#generateDataKey}: the key in clear for the caller to encrypt bulk data with (for
 * example with AES-GCM), and the same key encrypted under the HSM key, to store beside that data.
 * To get the clear key back later, pass {@link #encryptedKey()} to {@link KeyHandle#decrypt} with
 * the same context.
 *
 * <p>This is the one place where this library hands out secret key material on purpose: that is
 * what a data key is for. Call {@link #destroy()} when done; {@link #toString()} never shows the
 * key.
 */
public final class DataKey implements Destroyable {
  private final byte[] plaintextKey;
  private final byte[] encryptedKey;
  private volatile boolean destroyed;

  /** Creates a data key value; the arrays are copied. */
  public DataKey(byte[] plaintextKey, byte[] encryptedKey) {
    this.plaintextKey =
        InvalidArgumentException.requireNonNull(plaintextKey, "plaintextKey").clone();
    this.encryptedKey =
        InvalidArgumentException.requireNonNull(encryptedKey, "encryptedKey").clone();
  }

  /** A copy of the key in clear (32 bytes). Throws {@link HsmException} once destroyed. */
  public byte[] plaintextKey() {
    if (destroyed) {
      throw new HsmException("data key was destroyed");
    }
    return plaintextKey.clone();
  }

  /** A copy of the key encrypted under the HSM key: a ciphertext envelope, safe to store. */
  public byte[] encryptedKey() {
    return encryptedKey.clone();
  }

  /** Overwrites the clear key held by this object with zeros. */
  @Override
  public void destroy() {
    Arrays.fill(plaintextKey, (byte) 0);
    destroyed = true;
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "DataKey[plaintextKey=<masked>, encryptedKey=" + encryptedKey.length + " bytes]";
  }
}
