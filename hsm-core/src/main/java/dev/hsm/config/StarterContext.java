package dev.hsm.config;

import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What a framework starter knows beyond the bound {@code hsm.*} properties, for {@link
 * CommonHsmProperties#toConfig(StarterContext)}: which property names the application sets (so that
 * a misspelt {@code hsm.store.*} property fails start-up instead of being ignored), the
 * application's own {@link DataSource}s (for {@code hsm.store.data-source}), and the class loader
 * in which optional modules such as {@code hsm-postgresql} are looked for.
 */
public interface StarterContext {

  /** The value of {@code hsm.store.data-source} that names the application's default DataSource. */
  String APPLICATION_DATA_SOURCE = "application";

  /**
   * Every property name the application's configuration holds, as its sources spell them ({@code
   * hsm.store.url}, {@code hsm.store.dataSource}...); only those under {@code hsm.store} are looked
   * at. The starters leave environment variables out: platforms set their own, such as the {@code
   * HSM_STORE_SERVICE_HOST} Kubernetes gives every pod for a service named {@code hsm-store}.
   */
  Iterable<String> propertyNames();

  /**
   * The application's DataSource that {@code hsm.store.data-source} names: for {@value
   * #APPLICATION_DATA_SOURCE}, the one the framework injects without a qualifier; otherwise the
   * DataSource of that name in the framework's terms (a Spring bean name, a Micronaut {@code
   * datasources.<name>}). A starter returns a DataSource that hands out plain connections of the
   * pool, not connections bound to the caller's transaction.
   *
   * @return empty if the application has no such DataSource
   * @throws InvalidHsmPropertyException naming {@code hsm.store.data-source}, if DataSources cannot
   *     be looked up here
   */
  Optional<DataSource> dataSource(String name);

  /** Where optional modules ({@code hsm-postgresql}) are looked for. */
  ClassLoader classLoader();

  /**
   * Outside a framework: no property names to check, this library's class loader, and no
   * DataSources: {@code hsm.store.data-source} fails, pointing to {@code
   * PostgresKeyRecordStore.factory(dataSource, schema)}.
   */
  static StarterContext none() {
    return new StarterContext() {
      @Override
      public Iterable<String> propertyNames() {
        return List.of();
      }

      @Override
      public Optional<DataSource> dataSource(String name) {
        throw new InvalidHsmPropertyException(
            "hsm.store.data-source",
            "hsm.store.data-source works in the framework starters, which find the application's"
                + " DataSource; with HsmConfig, use"
                + " HsmConfig.store(PostgresKeyRecordStore.factory(dataSource, schema))");
      }

      @Override
      public ClassLoader classLoader() {
        return StarterContext.class.getClassLoader();
      }

      @Override
      public String toString() {
        return "StarterContext.none()";
      }
    };
  }
}
