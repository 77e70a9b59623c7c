package dev.hsm.config;

/**
 * {@code hsm.store.*}: where the key store lives. The embedded SQLite file by default ({@code
 * path}); a PostgreSQL database shared by many instances with {@code url} (and {@code user}, {@code
 * password}, {@code schema}), which needs the module {@code dev.hsm:hsm-postgresql}; or PostgreSQL
 * through the application's own DataSource with {@code data-source} (and {@code schema}). {@code
 * toString()} masks the password.
 *
 * <pre>
 * hsm.store.url=jdbc:postgresql://db.internal:5432/app
 * hsm.store.user=app_hsm
 * hsm.store.password=...                # or the environment variable HSM_STORE_PASSWORD
 * hsm.store.schema=hsm                  # default
 * </pre>
 */
public class StoreProperties {
  /** The SQLite file used when no other store is set. */
  public static final String DEFAULT_PATH = "hsm.db";

  /** The store's SQLite file, created on first start; relative to the working directory. */
  private String path;

  /** The PostgreSQL database's JDBC URL, e.g. jdbc:postgresql://db.internal:5432/app. */
  private String url;

  /** The database role the store connects as. */
  private String user;

  /** The role's password; never logged. */
  private String password;

  /** The PostgreSQL schema holding the store's tables, created if missing (default hsm). */
  private String schema;

  /**
   * The application's DataSource to keep the store in (PostgreSQL): "application" for its default
   * one, or a DataSource's name.
   */
  private String dataSource;

  /**
   * {@code hsm.store.path}: the store's SQLite file (default {@value #DEFAULT_PATH}); {@code null}
   * when not set.
   */
  public String getPath() {
    return path;
  }

  /** Sets {@code hsm.store.path}. */
  public void setPath(String path) {
    this.path = path;
  }

  /** {@code hsm.store.url}: the PostgreSQL database's JDBC URL, or {@code null}. */
  public String getUrl() {
    return url;
  }

  /** Sets {@code hsm.store.url}. */
  public void setUrl(String url) {
    this.url = url;
  }

  /** {@code hsm.store.user}: the database role, or {@code null} for the driver's default. */
  public String getUser() {
    return user;
  }

  /** Sets {@code hsm.store.user}. */
  public void setUser(String user) {
    this.user = user;
  }

  /** {@code hsm.store.password}: the role's password, or {@code null}. */
  public String getPassword() {
    return password;
  }

  /** Sets {@code hsm.store.password}. */
  public void setPassword(String password) {
    this.password = password;
  }

  /** {@code hsm.store.schema}: the PostgreSQL schema (default {@code hsm}), or {@code null}. */
  public String getSchema() {
    return schema;
  }

  /** Sets {@code hsm.store.schema}. */
  public void setSchema(String schema) {
    this.schema = schema;
  }

  /**
   * {@code hsm.store.data-source}: {@value StarterContext#APPLICATION_DATA_SOURCE} or the name of
   * the application's DataSource to keep the store in, or {@code null}.
   */
  public String getDataSource() {
    return dataSource;
  }

  /** Sets {@code hsm.store.data-source}. */
  public void setDataSource(String dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public String toString() {
    if (dataSource != null) {
      return "Store[dataSource=" + dataSource + ", schema=" + schema + "]";
    }
    if (url != null) {
      return "Store[url="
          + StoreLocation.withoutSecrets(url)
          + ", user="
          + user
          + ", password="
          + (password == null ? "unset" : "<masked>")
          + ", schema="
          + schema
          + "]";
    }
    return "Store[path=" + (path == null ? DEFAULT_PATH : path) + "]";
  }
}
