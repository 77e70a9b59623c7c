package dev.hsm;

/**
 * The state of one key version.
 *
 * <pre>
 * ENABLED  <-->  DISABLED
 *    |              |
 *    +--> SCHEDULED_FOR_DESTRUCTION --(waiting period over)--> DESTROYED
 *              |   (cancel: back to DISABLED)
 * </pre>
 */
public enum KeyState {
  /** Usable: the primary version signs and encrypts; other enabled versions verify and decrypt. */
  ENABLED,
  /** Kept but unusable until enabled again. */
  DISABLED,
  /** Unusable, and its material will be destroyed when the waiting period ends; cancellable. */
  SCHEDULED_FOR_DESTRUCTION,
  /**
   * The material is gone for good. The version's metadata stays as a tombstone, so old ciphertexts
   * and signatures fail with {@link KeyVersionDestroyedException}, not as unknown.
   */
  DESTROYED
}
