package dev.hsm.contract;

import dev.hsm.spi.KeyRecordStore;
import java.nio.file.Path;

/** The in-memory store, a second implementation written against the SPI alone, passes too. */
class InMemoryKeyRecordStoreContractTest extends KeyRecordStoreContract {
  @Override
  protected KeyRecordStore.Factory newStore(Path tempDir) {
    return InMemoryKeyRecordStore.factory("contract");
  }

  @Override
  protected KeyRecordStore.Factory openBackup(Path backupFile) {
    return InMemoryKeyRecordStore.restore(backupFile);
  }

  @Override
  protected boolean pushesChanges() {
    return true;
  }
}
