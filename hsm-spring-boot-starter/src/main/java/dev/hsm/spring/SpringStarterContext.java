package dev.hsm.spring;

import dev.hsm.config.StarterContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * What the Spring Boot application adds to {@code hsm.*}: the property names of its configuration
 * (environment variables aside, see {@link StarterContext#propertyNames()}), its DataSource beans
 * ({@code hsm.store.data-source=application} is the one Spring injects without a qualifier, any
 * other value a bean name), and its class loader.
 */
final class SpringStarterContext implements StarterContext {
  private final Environment environment;
  private final BeanFactory beans;
  private final ClassLoader classLoader;

  SpringStarterContext(Environment environment, BeanFactory beans, ClassLoader classLoader) {
    this.environment = environment;
    this.beans = beans;
    this.classLoader = classLoader;
  }

  @Override
  public Iterable<String> propertyNames() {
    List<String> names = new ArrayList<>();
    if (environment instanceof ConfigurableEnvironment configurable) {
      for (PropertySource<?> source : configurable.getPropertySources()) {
        // not environment variables: platforms set their own (HSM_STORE_SERVICE_HOST...)
        if (source instanceof EnumerablePropertySource<?> enumerable
            && !(source instanceof SystemEnvironmentPropertySource)) {
          names.addAll(List.of(enumerable.getPropertyNames()));
        }
      }
    }
    return names;
  }

  @Override
  public Optional<DataSource> dataSource(String name) {
    if (APPLICATION_DATA_SOURCE.equals(name)) {
      // the primary one if there are several; Spring says so if none is primary
      return Optional.ofNullable(beans.getBeanProvider(DataSource.class).getIfAvailable());
    }
    if (!beans.containsBean(name) || !beans.isTypeMatch(name, DataSource.class)) {
      return Optional.empty();
    }
    return Optional.of(beans.getBean(name, DataSource.class));
  }

  @Override
  public ClassLoader classLoader() {
    return classLoader;
  }
}
