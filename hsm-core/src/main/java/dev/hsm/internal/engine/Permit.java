package dev.hsm.internal.engine;

import dev.hsm.spi.KeyOperations;

/**
 * What {@link PolicyGate} hands out once every check passed: the key version to run and its
 * operations. {@link #used()} counts the operation once it succeeded.
 */
record Permit(LoadedKey key, int version, KeyOperations ops, KeyUse use) {

  void used() {
    key.usage[use.operation.ordinal()].increment();
    if (use == KeyUse.ENCRYPT && key.primaryEncryptions != null) {
      key.primaryEncryptions.increment(); // new output always comes from the primary version
    }
  }
}
