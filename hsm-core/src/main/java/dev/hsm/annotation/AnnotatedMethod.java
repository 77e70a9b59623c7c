package dev.hsm.annotation;

import dev.hsm.KeyHandle;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Optional;
import java.util.function.Function;

/**
 * What {@link Signed} and {@link Encrypted} ask of one method: converters for its annotated
 * parameters and its result, validated once at start-up. The Micronaut and Spring Boot interceptors
 * both use it, so the two starters behave the same. Immutable and thread-safe.
 */
public final class AnnotatedMethod {
  private final BoundaryConverter[] parameters;
  private final BoundaryConverter result;

  private AnnotatedMethod(BoundaryConverter[] parameters, BoundaryConverter result) {
    this.parameters = parameters;
    this.result = result;
  }

  /**
   * The plan for {@code method}, or empty if neither it nor its parameters are annotated.
   *
   * @param keys looks up keys by name (usually {@code hsm::key})
   * @throws InvalidAnnotationException naming the method and key, if a use cannot work
   */
  public static Optional<AnnotatedMethod> of(Method method, Function<String, KeyHandle> keys) {
    String where = method.getDeclaringClass().getName() + "." + method.getName();
    BoundaryConverter result =
        converter(
            method.getAnnotations(),
            method.getReturnType(),
            BoundaryConverter.Direction.OUT,
            where + " (return value)",
            keys);
    Parameter[] declared = method.getParameters();
    BoundaryConverter[] parameters = new BoundaryConverter[declared.length];
    boolean any = result != null;
    for (int i = 0; i < declared.length; i++) {
      parameters[i] =
          converter(
              declared[i].getAnnotations(),
              declared[i].getType(),
              BoundaryConverter.Direction.IN,
              where + " (parameter " + declared[i].getName() + ")",
              keys);
      any |= parameters[i] != null;
    }
    return any ? Optional.of(new AnnotatedMethod(parameters, result)) : Optional.empty();
  }

  private static BoundaryConverter converter(
      Annotation[] annotations,
      Class<?> type,
      BoundaryConverter.Direction direction,
      String where,
      Function<String, KeyHandle> keys) {
    Annotation found = null;
    for (Annotation annotation : annotations) {
      if (annotation instanceof Signed || annotation instanceof Encrypted) {
        if (found != null) {
          throw new InvalidAnnotationException(
              where + ": " + found + " and " + annotation + " together; use one, not both");
        }
        found = annotation;
      }
    }
    return found == null ? null : BoundaryConverter.of(found, type, direction, where, keys);
  }

  /**
   * The arguments the method body should see: annotated ones verified or decrypted. Returns a copy;
   * throws before the body runs if one is bad.
   */
  public Object[] incoming(Object[] arguments) {
    Object[] converted = arguments.clone();
    for (int i = 0; i < parameters.length; i++) {
      if (parameters[i] != null) {
        converted[i] = parameters[i].apply(arguments[i]);
      }
    }
    return converted;
  }

  /** Whether any parameter is annotated. */
  public boolean hasIncoming() {
    for (BoundaryConverter parameter : parameters) {
      if (parameter != null) {
        return true;
      }
    }
    return false;
  }

  /** The value the caller should receive: signed or encrypted if the method is annotated. */
  public Object outgoing(Object returned) {
    return result == null ? returned : result.apply(returned);
  }
}
