package dev.hsm.micronaut;

import dev.hsm.annotation.Encrypted;
import dev.hsm.annotation.InvalidAnnotationException;
import dev.hsm.annotation.Signed;
import dev.hsm.micronaut.aop.HsmBoundary;
import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.beans.BeanIntrospection;
import io.micronaut.core.beans.BeanIntrospector;
import io.micronaut.core.beans.BeanProperty;
import io.micronaut.inject.BeanDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses to start an application whose code uses {@code @Signed} or {@code @Encrypted} but was
 * compiled without {@code hsm-micronaut-annotations} on the annotation-processor path. Micronaut
 * learns about hsm-core's framework-free annotations only from that jar, at compile time; without
 * it the application would start and do nothing: results unsigned, any argument accepted,
 * {@code @Encrypted} entity fields stored in plaintext.
 *
 * <p>What the compiled code still shows, and what is checked here before the store is opened:
 *
 * <ul>
 *   <li>every bean class (and its superclasses and interfaces) whose method or parameter carries
 *       one of the annotations must have that method advised by hsm-micronaut's interceptor, which
 *       the jar's visitor binds at compile time ({@link HsmBoundary} in the bean definition);
 *   <li>every {@code @Encrypted} property of a Micronaut Data entity or embeddable must be mapped
 *       to hsm-micronaut's converter, which the jar's mapper adds to the introspection.
 * </ul>
 *
 * Micronaut Data repositories are left to the data-layer checks: their parameters are converted,
 * not intercepted. The failure lists every element found and gives the Maven and Gradle lines to
 * add. A bean that a {@code @Factory} method creates is refused too, with its own reason: Micronaut
 * does not advise the methods of such objects whatever the processor path.
 */
@Context
public class ProcessorPathCheck {
  private static final String ANNOTATIONS_JAR = "hsm-micronaut-annotations";
  private static final String CONVERTER = "dev.hsm.micronaut.data.EncryptedAttributeConverter";
  private static final String MAPPED_ENTITY = "io.micronaut.data.annotation.MappedEntity";
  private static final String EMBEDDABLE = "io.micronaut.data.annotation.Embeddable";
  private static final String MAPPED_PROPERTY = "io.micronaut.data.annotation.MappedProperty";
  private static final String REPOSITORY = "io.micronaut.data.annotation.Repository";

  /**
   * Created by Micronaut at start-up, before the {@code HsmClient}.
   *
   * @throws InvalidAnnotationException listing each method and field the annotations cannot work
   *     on, if any was compiled without {@code hsm-micronaut-annotations} or belongs to a bean that
   *     a {@code @Factory} method creates
   */
  public ProcessorPathCheck(BeanContext context) {
    Set<String> unprocessed = new TreeSet<>();
    Set<String> factoryMade = new TreeSet<>();
    for (BeanDefinition<?> definition : context.getAllBeanDefinitions()) {
      Set<String> unadvised = unadvisedMethods(definition);
      (isFactoryMade(definition) ? factoryMade : unprocessed).addAll(unadvised);
    }
    unmappedEntityFields(unprocessed);
    if (!unprocessed.isEmpty()) {
      throw new InvalidAnnotationException(unprocessedMessage(unprocessed));
    }
    if (!factoryMade.isEmpty()) {
      throw new InvalidAnnotationException(
          "@Signed/@Encrypted would do nothing on "
              + String.join(", ", factoryMade)
              + ": the bean is created by a @Factory method, and Micronaut intercepts the methods"
              + " of bean classes it creates itself, not of the objects a factory returns; make the"
              + " class a bean of its own (@Singleton on the class)");
    }
  }

  /**
   * The methods of the bean's class, superclasses and interfaces that carry the annotations but are
   * not advised in the bean.
   */
  private static Set<String> unadvisedMethods(BeanDefinition<?> definition) {
    Set<String> unadvised = new TreeSet<>();
    Class<?> type = definition.getBeanType();
    if (type.getName().startsWith("io.micronaut.") || definition.hasStereotype(REPOSITORY)) {
      return unadvised; // Micronaut's own beans never carry the annotations; repositories are
      // converted by the data layer, not intercepted
    }
    Set<Class<?>> seen = new HashSet<>();
    Deque<Class<?>> types = new ArrayDeque<>();
    types.add(type);
    while (!types.isEmpty()) {
      Class<?> current = types.poll();
      if (current == Object.class || !seen.add(current)) {
        continue;
      }
      Method[] methods;
      try {
        methods = current.getDeclaredMethods();
      } catch (LinkageError unresolvable) {
        continue; // a signature names a class that is not on the classpath: Micronaut cannot
        // call that method either
      }
      for (Method method : methods) {
        if (!method.isSynthetic() && usesAnnotations(method) && !advised(definition, method)) {
          unadvised.add(method.getDeclaringClass().getName() + "." + method.getName());
        }
      }
      if (current.getSuperclass() != null) {
        types.add(current.getSuperclass());
      }
      types.addAll(List.of(current.getInterfaces()));
    }
    return unadvised;
  }

  /** Whether a {@code @Factory} method creates the bean (its declaring type is the factory). */
  private static boolean isFactoryMade(BeanDefinition<?> definition) {
    return definition.hasAnnotation(Factory.class)
        && definition
            .getDeclaringType()
            .filter(type -> type != definition.getBeanType())
            .isPresent();
  }

  private static boolean usesAnnotations(Method method) {
    if (method.isAnnotationPresent(Signed.class) || method.isAnnotationPresent(Encrypted.class)) {
      return true;
    }
    for (Annotation[] parameter : method.getParameterAnnotations()) {
      for (Annotation annotation : parameter) {
        if (annotation instanceof Signed || annotation instanceof Encrypted) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether the bean's implementation of {@code method} is bound to hsm-micronaut's interceptor.
   */
  private static boolean advised(BeanDefinition<?> definition, Method method) {
    return definition
        .findMethod(method.getName(), method.getParameterTypes())
        .filter(executable -> executable.hasAnnotation(HsmBoundary.class))
        .isPresent();
  }

  private static void unmappedEntityFields(Set<String> unprocessed) {
    for (BeanIntrospection<Object> introspection :
        BeanIntrospector.SHARED.findIntrospections(
            reference ->
                reference.getAnnotationMetadata().hasStereotype(MAPPED_ENTITY)
                    || reference.getAnnotationMetadata().hasStereotype(EMBEDDABLE))) {
      for (BeanProperty<Object, Object> property : introspection.getBeanProperties()) {
        if (property.hasAnnotation(Encrypted.class)
            && !property
                .getAnnotationMetadata()
                .stringValue(MAPPED_PROPERTY, "converter")
                .filter(CONVERTER::equals)
                .isPresent()) {
          unprocessed.add(
              introspection.getBeanType().getName() + "." + property.getName() + " (field)");
        }
      }
    }
  }

  private static String unprocessedMessage(Set<String> unprocessed) {
    String version = version();
    StringBuilder message =
        new StringBuilder(
            "@Signed/@Encrypted would do nothing here: this code was compiled without "
                + ANNOTATIONS_JAR
                + " on its annotation-processor path, so Micronaut does not apply them"
                + " (results would go out unsigned or unencrypted, any argument would be accepted,"
                + " entity fields would be stored in plaintext):");
    for (String element : unprocessed) {
      message.append("\n  - ").append(element);
    }
    message
        .append("\nAdd ")
        .append(ANNOTATIONS_JAR)
        .append(
            " to the annotation-processor path of every compilation that uses @Signed or"
                + " @Encrypted, and rebuild. Maven, in maven-compiler-plugin's"
                + " <annotationProcessorPaths>, after micronaut-inject-java:")
        .append("\n    <path>")
        .append("\n      <groupId>dev.hsm</groupId>")
        .append("\n      <artifactId>")
        .append(ANNOTATIONS_JAR)
        .append("</artifactId>")
        .append("\n      <version>")
        .append(version)
        .append("</version>")
        .append("\n    </path>")
        .append("\nGradle, in dependencies:")
        .append("\n    annotationProcessor(\"dev.hsm:")
        .append(ANNOTATIONS_JAR)
        .append(":")
        .append(version)
        .append("\")");
    return message.toString();
  }

  /** This module's version, which the annotations jar shares. */
  private static String version() {
    Properties properties = new Properties();
    try (InputStream in =
        ProcessorPathCheck.class.getResourceAsStream("hsm-micronaut.properties")) {
      if (in == null) {
        throw new IllegalStateException("hsm-micronaut.properties is missing from hsm-micronaut");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }
}
