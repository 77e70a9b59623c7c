package dev.hsm.internal.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files that hold a store or a copy of one (the store itself, backups, a restore in progress) are
 * created readable and writable by their owner only, where the file system has POSIX permissions:
 * SQLite, {@code VACUUM INTO} and {@code Files.copy} would create them with the process's umask,
 * usually world-readable, and a copy holds the passphrase slot for offline guessing. SQLite gives
 * its {@code -wal} and {@code -shm} files the permissions of the database file.
 */
public final class PrivateFiles {
  private PrivateFiles() {}

  /**
   * Creates {@code path} as an empty owner-only file.
   *
   * @return {@code false} if it existed already (left as it was)
   */
  public static boolean createOwnerOnly(Path path) throws IOException {
    try {
      if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(
            path,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(path);
      }
      return true;
    } catch (FileAlreadyExistsException exists) {
      return false;
    }
  }
}
