package dev.hsm.micronaut;

import dev.hsm.config.StarterContext;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import io.micronaut.core.reflect.ClassUtils;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What the Micronaut application adds to {@code hsm.*}: the property names of its configuration
 * (environment variables aside, see {@link StarterContext#propertyNames()}), its DataSources
 * ({@code hsm.store.data-source=application} is the one injected without a qualifier, the {@code
 * default} datasource; any other value a {@code datasources.<name>}), and its class loader.
 *
 * <p>Micronaut Data hands out DataSource beans whose connections belong to the caller's
 * transaction; the store runs its own transactions, so it is given the pool behind them ({@code
 * io.micronaut.jdbc.DataSourceResolver}, when micronaut-jdbc is present).
 */
final class MicronautStarterContext implements StarterContext {
  private static final String RESOLVER = "io.micronaut.jdbc.DataSourceResolver";

  private final ApplicationContext context;

  MicronautStarterContext(ApplicationContext context) {
    this.context = context;
  }

  @Override
  public Iterable<String> propertyNames() {
    List<String> names = new ArrayList<>();
    for (PropertySource source : context.getEnvironment().getPropertySources()) {
      // not environment variables: platforms set their own (HSM_STORE_SERVICE_HOST...)
      if (source.getConvention() != PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE) {
        source.forEach(names::add);
      }
    }
    return names;
  }

  @Override
  public Optional<DataSource> dataSource(String name) {
    Optional<DataSource> found =
        APPLICATION_DATA_SOURCE.equals(name)
            ? context.findBean(DataSource.class)
            : context.findBean(DataSource.class, Qualifiers.byName(name));
    if (found.isPresent() && ClassUtils.isPresent(RESOLVER, classLoader())) {
      return Optional.of(Resolver.target(context, found.get()));
    }
    return found;
  }

  @Override
  public ClassLoader classLoader() {
    return context.getClassLoader();
  }

  /** Kept apart so that nothing loads micronaut-jdbc's class when it is absent. */
  private static final class Resolver {
    static DataSource target(ApplicationContext context, DataSource dataSource) {
      return context
          .findBean(io.micronaut.jdbc.DataSourceResolver.class)
          .orElse(io.micronaut.jdbc.DataSourceResolver.DEFAULT)
          .resolve(dataSource);
    }
  }
}
