package dev.hsm.internal.engine;

import dev.hsm.HsmConfig;
import dev.hsm.internal.protection.MasterKey;
import dev.hsm.spi.CustodyContext;
import dev.hsm.spi.KeyCustody;

/**
 * What an unlocked store holds in memory: its master key (row MACs, the store's own secrets) and
 * the key custody opened with it. Replaced as one, atomically, when the master key is rotated.
 */
record Unlocked(MasterKey master, KeyCustody custody) implements AutoCloseable {

  /** Opens {@code config}'s custody for the store {@code master} unlocks. */
  static Unlocked open(MasterKey master, HsmConfig config) {
    CustodyContext context =
        new CustodyContext() {
          @Override
          public String storeId() {
            return master.storeId();
          }

          @Override
          public byte[] deriveKey(String purpose) {
            return master.deriveKey(purpose);
          }

          @Override
          public HsmConfig config() {
            return config;
          }
        };
    return new Unlocked(master, config.custody().open(context));
  }

  String storeId() {
    return master.storeId();
  }

  /** Wipes the master key and closes the custody. */
  @Override
  public void close() {
    try {
      custody.close();
    } finally {
      master.close();
    }
  }
}
