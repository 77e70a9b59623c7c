package dev.hsm.postgresql;

import dev.hsm.HsmConfig;
import dev.hsm.StoreException;
import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.StoreContents;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A backup of a PostgreSQL store, written as an SQLite store file: the same format the SQLite
 * store's backups have, so {@code HsmClient.restoreBackup} restores it into an SQLite store and
 * {@code HsmClient.copyStore} copies it into any store, PostgreSQL included. Written through the
 * SQLite store's own {@code load}, from one snapshot of the PostgreSQL store.
 */
final class BackupFile {
  private BackupFile() {}

  /**
   * Writes {@code contents} to the new file {@code target}, readable by its owner only.
   *
   * @throws StoreException if {@code target} exists (it is left as it was), or writing fails (then
   *     no file is left)
   */
  static void write(StoreContents contents, Path target, String source) {
    try {
      if (target.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(
            target,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(target);
      }
    } catch (FileAlreadyExistsException e) {
      throw new StoreException("backup target " + target + " exists already; choose a new file");
    } catch (IOException e) {
      throw new StoreException("cannot create backup file " + target + ": " + e.getMessage(), e);
    }
    try (KeyRecordStore sqlite = HsmConfig.sqlite(target).store().open()) {
      sqlite.load(contents);
    } catch (RuntimeException e) {
      try {
        Files.deleteIfExists(target);
        Files.deleteIfExists(target.resolveSibling(target.getFileName() + "-wal"));
        Files.deleteIfExists(target.resolveSibling(target.getFileName() + "-shm"));
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new StoreException(
          "cannot back up " + source + " to " + target + ": " + e.getMessage(), e);
    }
  }
}
