package dev.hsm.spi;

import java.util.List;
import java.util.Optional;

/**
 * Durable storage for one key store. Implementations must be thread-safe, and every write must be
 * atomic and durable when the method returns.
 */
public interface KeyStoreBackend extends AutoCloseable {

  /** The store's id, or empty if the store has not been initialised yet. */
  Optional<String> storeId();

  /**
   * Initialises an empty store with its id and first unlock slot, atomically.
   *
   * @return {@code false} if another process initialised it first (then nothing was written)
   */
  boolean initialize(String storeId, StoredSlot firstSlot);

  /** All unlock slots. */
  List<StoredSlot> unlockSlots();

  /** The key with this name and all its versions, if present. */
  Optional<StoredKey> findKey(String name);

  /** Every key with its versions, sorted by name. */
  List<StoredKey> listKeys();

  /**
   * Inserts a new key with its versions.
   *
   * @throws dev.hsm.KeyAlreadyExistsException if the name is taken
   */
  void insertKey(StoredKey key);

  /** Releases the backend's resources. */
  @Override
  void close();
}
