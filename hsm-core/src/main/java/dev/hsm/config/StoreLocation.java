package dev.hsm.config;

import dev.hsm.HsmConfig;
import dev.hsm.spi.KeyRecordStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Where {@code hsm.store.*} puts the key store: the embedded SQLite file ({@code path}, the
 * default), a PostgreSQL database by URL ({@code url}, {@code user}, {@code password}, {@code
 * schema}) or through one of the application's DataSources ({@code data-source}, {@code schema}).
 * Checks that the properties of one kind are not mixed with another's, and that no unknown {@code
 * hsm.store.*} property is set. An empty value counts as unset, so that a profile can switch an
 * application whose base configuration names an SQLite file to PostgreSQL ({@code hsm.store.path=},
 * {@code hsm.store.url=...}); an empty {@code hsm.store.path} alone still fails. Never puts the
 * password in a message.
 */
final class StoreLocation {
  /** The {@code hsm.store.*} properties, as written in kebab case. */
  static final List<String> PROPERTIES =
      List.of("path", "url", "user", "password", "schema", "data-source");

  /** {@code hsm.store.} or {@code HSM_STORE_} and the rest, however the source separates words. */
  private static final Pattern STORE_PROPERTY =
      Pattern.compile("hsm[._-]store[._-](.+)", Pattern.CASE_INSENSITIVE);

  private StoreLocation() {}

  /**
   * The config with the store {@code store}'s properties describe, before the unlock secret.
   *
   * @throws InvalidHsmPropertyException naming the property, if they contradict each other, name a
   *     missing DataSource, or ask for PostgreSQL without the module
   */
  static HsmConfig configure(StoreProperties store, StarterContext context) {
    checkNames(context.propertyNames());
    if (value(store, "data-source") != null) {
      return HsmConfig.store(onDataSource(store, context));
    }
    if (value(store, "url") != null) {
      return HsmConfig.store(byUrl(store, context));
    }
    for (String property : List.of("user", "password", "schema")) {
      if (value(store, property) != null) {
        throw new InvalidHsmPropertyException(
            "hsm.store." + property,
            "hsm.store."
                + property
                + " applies to a PostgreSQL store only: set hsm.store.url (or"
                + " hsm.store.data-source) too, or remove it to keep the embedded SQLite store");
      }
    }
    String path = store.getPath() == null ? StoreProperties.DEFAULT_PATH : store.getPath();
    if (path.isBlank()) {
      throw new InvalidHsmPropertyException(
          "hsm.store.path",
          "hsm.store.path is empty; name the store's SQLite file, e.g. hsm.db (an empty"
              + " hsm.store.path only counts as unset beside hsm.store.url or"
              + " hsm.store.data-source)");
    }
    return CommonHsmProperties.checked("hsm.store.path", () -> HsmConfig.sqlite(Path.of(path)));
  }

  private static KeyRecordStore.Factory byUrl(StoreProperties store, StarterContext context) {
    String url = value(store, "url");
    refuseBeside("hsm.store.url", store, "path");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new InvalidHsmPropertyException(
          "hsm.store.url",
          "hsm.store.url must be a PostgreSQL JDBC URL such as"
              + " jdbc:postgresql://db.internal:5432/app, not '"
              + withoutSecrets(url)
              + "'"
              + (url.startsWith("jdbc:sqlite:")
                  ? "; the embedded SQLite store is set with hsm.store.path instead"
                  : ""));
    }
    return PostgresqlModule.factory(
        context.classLoader(),
        "hsm.store.url",
        url,
        value(store, "user"),
        value(store, "password"),
        schema(store));
  }

  private static KeyRecordStore.Factory onDataSource(
      StoreProperties store, StarterContext context) {
    String name = value(store, "data-source");
    refuseBeside("hsm.store.data-source", store, "path", "url", "user", "password");
    DataSource dataSource =
        context
            .dataSource(name)
            .orElseThrow(
                () ->
                    new InvalidHsmPropertyException(
                        "hsm.store.data-source",
                        "hsm.store.data-source="
                            + name
                            + ": "
                            + (StarterContext.APPLICATION_DATA_SOURCE.equals(name)
                                ? "the application has no DataSource"
                                : "the application has no DataSource named '"
                                    + name
                                    + "'; set it to '"
                                    + StarterContext.APPLICATION_DATA_SOURCE
                                    + "' for the application's default DataSource, or to the"
                                    + " name of one it has")));
    return PostgresqlModule.factory(
        context.classLoader(), "hsm.store.data-source", name, dataSource, schema(store));
  }

  private static String schema(StoreProperties store) {
    String schema = value(store, "schema");
    return schema == null ? PostgresqlModule.DEFAULT_SCHEMA : schema;
  }

  /** Fails if any of {@code others} is set beside {@code property}. */
  private static void refuseBeside(String property, StoreProperties store, String... others) {
    List<String> set = new ArrayList<>();
    for (String other : others) {
      if (value(store, other) != null) {
        set.add("hsm.store." + other);
      }
    }
    if (!set.isEmpty()) {
      throw new InvalidHsmPropertyException(
          property,
          property
              + " and "
              + String.join(", ", set)
              + " cannot be set together: "
              + (property.equals("hsm.store.url")
                  ? "hsm.store.url puts the store in PostgreSQL, hsm.store.path in an SQLite file"
                  : "hsm.store.data-source connects through the application's DataSource, with"
                      + " its URL and credentials"));
    }
  }

  /**
   * The property's value; {@code null} if unset or empty, so that a profile or an environment
   * variable can clear what the base configuration sets ({@code hsm.store.path=}).
   */
  private static String value(StoreProperties store, String property) {
    String value;
    switch (property) {
      case "path":
        value = store.getPath();
        break;
      case "url":
        value = store.getUrl();
        break;
      case "user":
        value = store.getUser();
        break;
      case "password":
        value = store.getPassword();
        break;
      case "schema":
        value = store.getSchema();
        break;
      case "data-source":
        value = store.getDataSource();
        break;
      default:
        throw new IllegalArgumentException(property);
    }
    return value == null || value.isBlank() ? null : value;
  }

  /**
   * Fails on the first name under {@code hsm.store} that is none of {@link #PROPERTIES}, however
   * its source spells it ({@code hsm.store.dataSource}, {@code HSM_STORE_DATA_SOURCE}).
   */
  static void checkNames(Iterable<String> names) {
    Set<String> known = new TreeSet<>();
    for (String property : PROPERTIES) {
      known.add(squashed(property));
    }
    for (String name : names) {
      Matcher matcher = STORE_PROPERTY.matcher(name);
      if (matcher.matches() && !known.contains(squashed(matcher.group(1)))) {
        throw new InvalidHsmPropertyException(
            name,
            "unknown property "
                + name
                + ": hsm.store has "
                + String.join(", ", PROPERTIES)
                + " (path for the embedded SQLite store, url or data-source for PostgreSQL)");
      }
    }
  }

  /**
   * Lower case without separators: {@code data-source}, {@code dataSource}, {@code DATA_SOURCE}.
   */
  private static String squashed(String name) {
    return name.replaceAll("[._-]", "").toLowerCase(Locale.ROOT);
  }

  /**
   * {@code url} as messages show it: without its parameters and any user information, which may
   * hold a password.
   */
  static String withoutSecrets(String url) {
    String bare = url;
    int query = bare.indexOf('?');
    if (query >= 0) {
      bare = bare.substring(0, query);
    }
    int hosts = bare.indexOf("//");
    int at = bare.lastIndexOf('@');
    if (hosts >= 0 && at > hosts) {
      bare = bare.substring(0, hosts + 2) + bare.substring(at + 1);
    }
    return bare;
  }
}
