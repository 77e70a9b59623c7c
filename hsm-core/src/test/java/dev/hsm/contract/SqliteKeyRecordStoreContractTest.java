package dev.hsm.contract;

import dev.hsm.internal.store.SqliteKeyRecordStore;
import dev.hsm.spi.KeyRecordStore;
import java.nio.file.Path;

/** The built-in store, one real SQLite file per test, passes the store contract. */
class SqliteKeyRecordStoreContractTest extends KeyRecordStoreContract {
  @Override
  protected KeyRecordStore.Factory newStore(Path tempDir) {
    return SqliteKeyRecordStore.factory(tempDir.resolve("store.db"));
  }

  @Override
  protected KeyRecordStore.Factory openBackup(Path backupFile) {
    return SqliteKeyRecordStore.factory(backupFile); // the backup is a store file of its own
  }
}
