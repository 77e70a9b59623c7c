package dev.hsm.micronaut.data;

import dev.hsm.contract.EncryptedFinderContract;
import dev.hsm.micronaut.TestHsm;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.util.Map;

/**
 * hsm-core's finder cases, each through Micronaut Data JDBC with one of {@link ContractFinders}, on
 * a SQLite file.
 */
class MicronautEncryptedFinderTest extends EncryptedFinderContract {

  @Override
  protected Throwable startupFailure(Finder finder) {
    Path dir = TestHsm.newDirectory();
    Map<String, Object> properties = TestHsm.properties(dir);
    properties.put("datasources.default.url", "jdbc:sqlite:" + dir.resolve("app.db"));
    properties.put("datasources.default.driver-class-name", "org.sqlite.JDBC");
    properties.put("datasources.default.dialect", "ANSI");
    properties.put("datasources.default.schema-generate", "NONE");
    properties.put("contract.finder", finder.name());
    try (ApplicationContext context = ApplicationContext.run(properties)) {
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }
}
