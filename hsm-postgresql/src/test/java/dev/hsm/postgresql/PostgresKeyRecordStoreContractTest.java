package dev.hsm.postgresql;

import dev.hsm.HsmConfig;
import dev.hsm.contract.KeyRecordStoreContract;
import dev.hsm.spi.KeyRecordStore;
import java.nio.file.Path;

/**
 * The PostgreSQL store passes the same storage contract as SQLite, on a real PostgreSQL 17 (one new
 * schema per test): its clients see each other's writes at once, serialise on the audit log, push
 * their commits to each other, and take and make copies of whole stores.
 */
class PostgresKeyRecordStoreContractTest extends KeyRecordStoreContract {
  @Override
  protected KeyRecordStore.Factory newStore(Path tempDir) {
    return TestDatabase.newStore();
  }

  /** A backup is an SQLite store file. */
  @Override
  protected KeyRecordStore.Factory openBackup(Path backupFile) {
    return HsmConfig.sqlite(backupFile).store();
  }

  @Override
  protected boolean pushesChanges() {
    return true;
  }
}
