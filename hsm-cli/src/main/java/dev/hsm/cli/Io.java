package dev.hsm.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Input from a file or stdin ({@code -}); output to new files only, written beside the target and
 * moved into place when complete, so a failed command leaves no partial file behind. Plaintexts are
 * readable by their owner only; signatures and public keys by all.
 */
final class Io {
  static final int CHUNK = 1 << 20;

  private Io() {}

  static boolean isStdio(Path path) {
    return path.toString().equals("-");
  }

  /** The file, or stdin for {@code -} (not closed by closing what this returns). */
  static InputStream open(Context context, Path path) throws IOException {
    if (isStdio(path)) {
      return new FilterInputStream(context.in()) {
        @Override
        public void close() {}
      };
    }
    if (!Files.exists(path)) {
      throw new CliException(ExitCodes.NOT_FOUND, "no such file: " + path);
    }
    return Files.newInputStream(path);
  }

  static byte[] readAll(Context context, Path path) throws IOException {
    try (InputStream in = open(context, path)) {
      return in.readAllBytes();
    }
  }

  /** Refuses an existing output file before any work is done. */
  static void checkNew(Path target) {
    if (!isStdio(target) && Files.exists(target)) {
      throw new CliException(
          ExitCodes.EXISTS, "the output file " + target + " exists already (remove it first)");
    }
  }

  /** Writes {@code bytes} to a new file, or to stdout for {@code -}. */
  static void writeNew(Context context, Path target, byte[] bytes) throws IOException {
    if (isStdio(target)) {
      context.out().write(bytes);
      context.out().flush();
      return;
    }
    try (NewFile file = new NewFile(target, true)) {
      file.stream().write(bytes);
      file.commit();
    }
  }

  /** A new file written under a temporary name and moved into place only by {@link #commit()}. */
  static final class NewFile implements AutoCloseable {
    private final Path target;
    private final Path temporary;
    private final OutputStream stream;
    private boolean committed;

    /** A file readable by its owner only: for plaintexts. */
    NewFile(Path target) throws IOException {
      this(target, false);
    }

    /**
     * {@code readableByAll}: for what is meant to be published (signatures, JWS, public keys), mode
     * 0644 instead of the temporary file's 0600.
     */
    NewFile(Path target, boolean readableByAll) throws IOException {
      checkNew(target);
      this.target = target;
      Path dir = target.toAbsolutePath().getParent();
      this.temporary = Files.createTempFile(dir, "." + target.getFileName(), ".partial");
      if (readableByAll
          && temporary.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
      }
      this.stream = Files.newOutputStream(temporary, StandardOpenOption.WRITE);
    }

    OutputStream stream() {
      return stream;
    }

    void commit() throws IOException {
      stream.close();
      checkNew(target);
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      committed = true;
    }

    @Override
    public void close() throws IOException {
      if (!committed) {
        stream.close();
        Files.deleteIfExists(temporary);
      }
    }
  }
}
