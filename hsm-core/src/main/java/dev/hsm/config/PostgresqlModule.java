package dev.hsm.config;

import dev.hsm.StoreException;
import dev.hsm.spi.KeyRecordStore;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * The PostgreSQL store of the optional module {@code dev.hsm:hsm-postgresql}, reached by name so
 * that neither hsm-core nor the starters depend on it: an application that points {@code
 * hsm.store.url} at PostgreSQL adds the module; without it start-up fails with the dependency lines
 * to add.
 */
final class PostgresqlModule {
  /** The module's public entry point and its two static factories. */
  static final String STORE_CLASS = "dev.hsm.postgresql.PostgresKeyRecordStore";

  /** The schema the store uses unless {@code hsm.store.schema} names another. */
  static final String DEFAULT_SCHEMA = "hsm";

  private PostgresqlModule() {}

  /**
   * A factory for the store in {@code schema} of the database at {@code url}.
   *
   * @param property the property that asked for PostgreSQL, named in a failure
   * @throws InvalidHsmPropertyException naming {@code property} if the module is not on the
   *     classpath, or {@code hsm.store.schema} if the module refuses the schema's name
   */
  static KeyRecordStore.Factory factory(
      ClassLoader loader,
      String property,
      String url,
      String user,
      String password,
      String schema) {
    Method factory =
        method(loader, property, String.class, String.class, String.class, String.class);
    return invoke(factory, url, user, password, schema);
  }

  /**
   * A factory for the store in {@code schema} of the database that the application's {@code
   * dataSource} connects to; its clients first check that the database is PostgreSQL.
   *
   * @param property the property that asked for PostgreSQL, named in a failure
   */
  static KeyRecordStore.Factory factory(
      ClassLoader loader, String property, String name, DataSource dataSource, String schema) {
    Method factory = method(loader, property, DataSource.class, String.class);
    KeyRecordStore.Factory store = invoke(factory, dataSource, schema);
    return new KeyRecordStore.Factory() {
      @Override
      public KeyRecordStore open() {
        checkPostgresql(property, name, dataSource);
        return store.open();
      }

      @Override
      public String description() {
        return store.description();
      }

      @Override
      public String toString() {
        return store.toString();
      }
    };
  }

  private static Method method(ClassLoader loader, String property, Class<?>... parameters) {
    Class<?> store;
    try {
      store = Class.forName(STORE_CLASS, true, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new InvalidHsmPropertyException(property, missingModule(property, e), e);
    }
    try {
      return store.getMethod("factory", parameters);
    } catch (NoSuchMethodException e) {
      throw new InvalidHsmPropertyException(
          property,
          property
              + " needs dev.hsm:hsm-postgresql of the same version as hsm-core ("
              + version()
              + "); the one on the classpath has no "
              + STORE_CLASS
              + ".factory"
              + java.util.Arrays.toString(parameters).replace('[', '(').replace(']', ')'),
          e);
    }
  }

  private static KeyRecordStore.Factory invoke(Method factory, Object... arguments) {
    try {
      return (KeyRecordStore.Factory) factory.invoke(null, arguments);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IllegalArgumentException) {
        // hsm.store.url was checked before: the module refuses the schema's name
        throw new InvalidHsmPropertyException(
            "hsm.store.schema", "hsm.store.schema: " + cause.getMessage(), cause);
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException(cause);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot call " + factory, e);
    }
  }

  /** Fails naming the DataSource unless it connects to PostgreSQL. */
  private static void checkPostgresql(String property, String name, DataSource dataSource) {
    String product;
    try (Connection connection = dataSource.getConnection()) {
      product = connection.getMetaData().getDatabaseProductName();
    } catch (SQLException e) {
      throw new StoreException(
          "cannot connect through the application's DataSource "
              + property
              + "="
              + name
              + " names: "
              + e.getMessage(),
          e);
    }
    if (!"PostgreSQL".equals(product)) {
      throw new InvalidHsmPropertyException(
          property,
          property
              + "="
              + name
              + " names a DataSource of "
              + product
              + ", but a key store on an application DataSource needs PostgreSQL; for the"
              + " embedded SQLite store remove "
              + property
              + " and set hsm.store.path");
    }
  }

  private static String missingModule(String property, Throwable cause) {
    String version = version();
    return property
        + " asks for a PostgreSQL store, but the module dev.hsm:hsm-postgresql (or a library it"
        + " needs) is not on the classpath ("
        + cause
        + "). Add it beside hsm-core or the starter:\n"
        + "  Maven:  <dependency><groupId>dev.hsm</groupId><artifactId>hsm-postgresql</artifactId>"
        + "<version>"
        + version
        + "</version></dependency>\n"
        + "  Gradle: implementation(\"dev.hsm:hsm-postgresql:"
        + version
        + "\")";
  }

  /** This library's version, as the build recorded it. */
  static String version() {
    try (InputStream in = PostgresqlModule.class.getResourceAsStream("hsm-core.properties")) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        String version = properties.getProperty("version");
        if (version != null && !version.startsWith("${")) {
          return version;
        }
      }
    } catch (IOException e) {
      // fall through: the message still names the module
    }
    return "the version of hsm-core";
  }
}
