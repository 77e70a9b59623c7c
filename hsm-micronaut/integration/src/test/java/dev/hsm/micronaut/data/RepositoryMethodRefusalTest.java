package dev.hsm.micronaut.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmException;
import dev.hsm.annotation.InvalidAnnotationException;
import dev.hsm.micronaut.TestHsm;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Repository methods that cannot work on {@code @Encrypted} columns fail start-up, each in its own
 * context ({@link RefusedRepositories}), naming the method, its parameter and the field; before,
 * each failed on its first call, or found nothing. The cases both starters share are {@code
 * EncryptedFinderContract}'s; these are Micronaut's own, as Micronaut Data hands the converter only
 * the parameter.
 */
class RepositoryMethodRefusalTest {
  private static final String REPOSITORIES = RefusedRepositories.class.getName();

  /** What start-up threw: the first HsmException in the chain; null if it started. */
  private static Throwable startup(String repository) {
    Path dir = TestHsm.newDirectory();
    Map<String, Object> properties = TestHsm.properties(dir);
    properties.put("datasources.default.url", "jdbc:sqlite:" + dir.resolve("app.db"));
    properties.put("datasources.default.driver-class-name", "org.sqlite.JDBC");
    properties.put("datasources.default.dialect", "ANSI");
    properties.put("datasources.default.schema-generate", "NONE");
    properties.put("bad.repository", repository);
    try (ApplicationContext context = ApplicationContext.run(properties)) {
      return null;
    } catch (RuntimeException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof HsmException) {
          return cause;
        }
      }
      return e;
    }
  }

  @Test
  void finderParameterNotNamedAfterTheEncryptedProperty_failsStartup_sayingWhatToNameIt() {
    assertThat(startup("misnamed-parameter"))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining(
            "the repository method " + REPOSITORIES + "$MisnamedParameter.findByLogin")
        .hasMessageContaining(
            "parameter 'userName' (used with dev.hsm.micronaut.data.Customer.login)")
        .hasMessageContaining("no @Encrypted entity property is named 'userName'")
        .hasMessageContaining("name the parameter 'login'");
  }

  @Test
  void finderParameterNamedAfterAnotherEncryptedProperty_failsStartup_namingBothFields() {
    assertThat(startup("named-after-another-field"))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining(
            "@Encrypted(key = \"pii-search\") on dev.hsm.micronaut.data.Customer.login (field)")
        .hasMessageContaining(
            "the repository method "
                + REPOSITORIES
                + "$NamedAfterAnotherField.findByLogin passes it its parameter 'note'")
        .hasMessageContaining("the key and context of dev.hsm.micronaut.data.Customer.note")
        .hasMessageContaining("the value would never match")
        .hasMessageContaining("name the parameter 'login'");
  }

  @Test
  void finderParameterAnnotatedLikeNoField_failsStartup() {
    assertThat(startup("annotated-like-no-field"))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining(REPOSITORIES + "$AnnotatedLikeNoField.findByLogin: parameter 'login'")
        .hasMessageContaining("is @Encrypted(key = \"pii-search\")")
        .hasMessageContaining("no @Encrypted entity field has that key, context and type")
        .hasMessageContaining("give it the one on dev.hsm.micronaut.data.Customer.login");
  }

  @Test
  void countByARandomizedField_failsStartup_withTheSharedMessage() {
    assertThat(startup("randomized-field-compared"))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("@Encrypted(key = \"pii\") on dev.hsm.micronaut.data.Customer.note")
        .hasMessageContaining(
            "the repository method "
                + REPOSITORIES
                + "$RandomizedFieldCompared.countByNote compares it with an argument")
        .hasMessageContaining("deterministic = false")
        .hasMessageContaining("no query can match it");
  }

  @Test
  void partialUpdateOfARowBoundField_failsStartup() {
    assertThat(startup("row-bound-field-set"))
        .isInstanceOf(InvalidAnnotationException.class)
        .hasMessageContaining("Customer.note (field)")
        .hasMessageContaining(
            "the repository method " + REPOSITORIES + "$RowBoundFieldSet.update sets it")
        .hasMessageContaining("can only be written by saving or updating the entity");
  }

  @Test
  void equalityOnADeterministicField_andSettingAnUnboundField_start() {
    assertThat(startup("fine")).isNull();
  }
}
