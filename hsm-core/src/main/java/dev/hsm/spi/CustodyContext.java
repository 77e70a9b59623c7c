package dev.hsm.spi;

import dev.hsm.HsmConfig;

/**
 * What a {@link KeyCustody} is opened with: the unlocked store it serves. Given to {@link
 * KeyCustody.Factory#open} once the store is unlocked, and again with the new master key after a
 * master key rotation.
 */
public interface CustodyContext {

  /** The store's id (random, fixed when the store was made). */
  String storeId();

  /**
   * A 256-bit key derived from the store's master key for {@code purpose} (HKDF-SHA-256, the store
   * id as salt, {@code purpose} as info). A fresh copy each call: wipe it when done. It changes
   * when the master key is rotated; see {@link KeyCustody#rewrap}.
   */
  byte[] deriveKey(String purpose);

  /** The client's configuration (for custody-specific settings such as native crypto). */
  HsmConfig config();
}
