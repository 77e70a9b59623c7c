package dev.hsm.micronaut.aop;

import dev.hsm.HsmClient;
import dev.hsm.annotation.AnnotatedMethod;
import dev.hsm.annotation.InvalidAnnotationException;
import io.micronaut.context.processor.ExecutableMethodProcessor;
import io.micronaut.inject.BeanDefinition;
import io.micronaut.inject.ExecutableMethod;
import jakarta.inject.Singleton;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds, validates and keeps the {@link AnnotatedMethod} of every method bound to {@link
 * HsmBoundary}. Micronaut hands it each such method when the application starts, so a wrong use of
 * {@code @Signed} or {@code @Encrypted} (unsupported type, unknown key, key lacking the operation)
 * fails start-up with {@link InvalidAnnotationException} naming the method and key.
 */
@Singleton
public class AnnotatedMethods implements ExecutableMethodProcessor<HsmBoundary> {
  private final HsmClient hsm;
  private final Map<ExecutableMethod<?, ?>, AnnotatedMethod> plans = new ConcurrentHashMap<>();

  /** Created by Micronaut. */
  public AnnotatedMethods(HsmClient hsm) {
    this.hsm = hsm;
  }

  @Override
  public void process(BeanDefinition<?> beanDefinition, ExecutableMethod<?, ?> method) {
    plan(method);
  }

  /** The plan for {@code method}, built and validated on first request. */
  AnnotatedMethod plan(ExecutableMethod<?, ?> method) {
    AnnotatedMethod plan = plans.get(method);
    return plan != null ? plan : plans.computeIfAbsent(method, this::build);
  }

  private AnnotatedMethod build(ExecutableMethod<?, ?> executable) {
    Method method = executable.getTargetMethod();
    Optional<AnnotatedMethod> plan = AnnotatedMethod.of(method, hsm::key);
    if (plan.isEmpty()) {
      // Micronaut saw @Signed/@Encrypted (for instance inherited from an interface) but the
      // implementing method does not carry it: refuse rather than silently do nothing.
      throw new InvalidAnnotationException(
          method.getDeclaringClass().getName()
              + "."
              + method.getName()
              + ": @Signed/@Encrypted must be on the implementing method and its parameters,"
              + " not only on an interface or superclass method it overrides");
    }
    return plan.get();
  }
}
