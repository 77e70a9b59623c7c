package dev.hsm.spring;

import dev.hsm.KeyHandle;
import dev.hsm.annotation.AnnotatedMethod;
import dev.hsm.annotation.Encrypted;
import dev.hsm.annotation.InvalidAnnotationException;
import dev.hsm.annotation.Signed;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ConcurrentReferenceHashMap;
import org.springframework.util.ReflectionUtils;

/**
 * Applies {@link Signed} and {@link Encrypted} at a bean method's boundary: verifies or decrypts
 * annotated arguments before the body runs, signs or encrypts the result after. The work itself is
 * core's {@link AnnotatedMethod}, shared with the Micronaut starter; this class finds the method,
 * keeps one {@code AnnotatedMethod} per method, and checks at start-up ({@link #validate}) that a
 * Spring proxy can reach every annotated method.
 */
final class HsmMethodInterceptor implements MethodInterceptor {
  /** Per class, its annotated methods: the pointcut asks about every method of every bean. */
  private static final Map<Class<?>, Method[]> ANNOTATED_DECLARED_METHODS =
      new ConcurrentReferenceHashMap<>();

  /** At most this many {@link #declaredPlans}. */
  private static final int MAX_DECLARED_PLANS = 1024;

  private final Function<String, KeyHandle> keys;
  private final Map<Method, Optional<AnnotatedMethod>> plans = new ConcurrentHashMap<>();

  /**
   * The plans of methods the target class declares, by the proxy's own {@code Method} instance (a
   * constant of the proxy class). That instance is equal to, but not, the one the plan was made
   * for, so {@code plans} would run {@code Method.equals} (names and parameter types) on every
   * call; an identity lookup does not. Only for methods the target class declares: an inherited
   * method's instance may stand for several classes' methods. Copied on write, and bounded in case
   * a proxy ever hands over a new instance per call.
   */
  private volatile Map<Method, Optional<AnnotatedMethod>> declaredPlans = new IdentityHashMap<>();

  HsmMethodInterceptor(Function<String, KeyHandle> keys) {
    this.keys = keys;
  }

  @Override
  public Object invoke(MethodInvocation invocation) throws Throwable {
    Object target = invocation.getThis();
    Class<?> targetClass = target == null ? null : AopUtils.getTargetClass(target);
    Method invoked = invocation.getMethod();
    // Usually the target class declares the invoked method itself: then it is already the most
    // specific one, and the lookup (a cache keyed by method and class) can be skipped per call.
    boolean declared =
        targetClass != null && invoked.getDeclaringClass() == targetClass && !invoked.isBridge();
    Optional<AnnotatedMethod> plan =
        declared
            ? declaredPlan(invoked)
            : plan(
                targetClass == null
                    ? invoked
                    : AopUtils.getMostSpecificMethod(invoked, targetClass));
    if (plan.isEmpty()) {
      return invocation.proceed();
    }
    AnnotatedMethod annotated = plan.get();
    if (annotated.hasIncoming()) {
      Object[] converted = annotated.incoming(invocation.getArguments());
      if (invocation instanceof ProxyMethodInvocation proxied) {
        proxied.setArguments(converted);
      } else {
        System.arraycopy(converted, 0, invocation.getArguments(), 0, converted.length);
      }
    }
    return annotated.outgoing(invocation.proceed());
  }

  /** The method's plan, built (and validated) once. */
  private Optional<AnnotatedMethod> plan(Method method) {
    Optional<AnnotatedMethod> plan = plans.get(method);
    if (plan == null) {
      plan = plans.computeIfAbsent(method, m -> AnnotatedMethod.of(m, keys));
    }
    return plan;
  }

  /**
   * {@link #plan} of a method the target class declares, found by instance after the first call.
   */
  private Optional<AnnotatedMethod> declaredPlan(Method invoked) {
    Optional<AnnotatedMethod> plan = declaredPlans.get(invoked);
    if (plan == null) {
      plan = plan(invoked);
      synchronized (this) {
        if (declaredPlans.size() < MAX_DECLARED_PLANS) {
          Map<Method, Optional<AnnotatedMethod>> grown = new IdentityHashMap<>(declaredPlans);
          grown.put(invoked, plan);
          declaredPlans = grown;
        }
      }
    }
    return plan;
  }

  /**
   * Checks every annotated method of {@code beanClass} at start-up, so a wrong use fails the
   * context with a message naming the method and the key: what {@link AnnotatedMethod#of} checks
   * (type, key, operation), plus what a proxy cannot do (private, final or static methods), and
   * annotations left on an overridden method where the overriding one has none.
   *
   * @throws InvalidAnnotationException if a use cannot work
   */
  void validate(Class<?> beanClass) {
    Class<?> userClass = ClassUtils.getUserClass(beanClass);
    for (Method method :
        ReflectionUtils.getUniqueDeclaredMethods(
            userClass, ReflectionUtils.USER_DECLARED_METHODS)) {
      Annotation found = firstAnnotation(method);
      if (found != null) {
        int modifiers = method.getModifiers();
        String unreachable =
            Modifier.isStatic(modifiers)
                ? "static"
                : Modifier.isPrivate(modifiers)
                    ? "private"
                    : Modifier.isFinal(modifiers) ? "final" : null;
        if (unreachable != null) {
          throw new InvalidAnnotationException(
              describe(found)
                  + " on "
                  + name(method)
                  + ": a Spring proxy cannot intercept a "
                  + unreachable
                  + " method, so it would run unsigned and unencrypted; make it"
                  + " non-"
                  + unreachable
                  + " (and call it through the bean, not this)");
        }
        plan(method);
      } else {
        Method inherited = annotatedOverridden(method);
        if (inherited != null) {
          throw new InvalidAnnotationException(
              describe(firstAnnotation(inherited))
                  + " on "
                  + name(inherited)
                  + " is not inherited by "
                  + name(method)
                  + ", which overrides it; repeat the annotations on "
                  + name(method));
        }
      }
    }
  }

  /** Whether the method or one of its parameters carries {@code @Signed} or {@code @Encrypted}. */
  static boolean isAnnotated(Method method) {
    return firstAnnotation(method) != null;
  }

  /**
   * A method of a superclass or interface that {@code method} overrides and that carries the
   * annotations, or {@code null}.
   */
  static Method annotatedOverridden(Method method) {
    for (Class<?> type : ClassUtils.getAllInterfacesForClassAsSet(method.getDeclaringClass())) {
      Method found = annotatedIn(type, method);
      if (found != null) {
        return found;
      }
    }
    for (Class<?> type = method.getDeclaringClass().getSuperclass();
        type != null && type != Object.class;
        type = type.getSuperclass()) {
      Method found = annotatedIn(type, method);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static Method annotatedIn(Class<?> type, Method method) {
    for (Method declared :
        ANNOTATED_DECLARED_METHODS.computeIfAbsent(
            type, HsmMethodInterceptor::annotatedDeclaredMethods)) {
      if (declared.getName().equals(method.getName())
          && Arrays.equals(declared.getParameterTypes(), method.getParameterTypes())) {
        return declared;
      }
    }
    return null;
  }

  /** The non-private methods {@code type} declares with the annotations; usually none. */
  private static Method[] annotatedDeclaredMethods(Class<?> type) {
    return Arrays.stream(type.getDeclaredMethods())
        .filter(method -> !Modifier.isPrivate(method.getModifiers()) && isAnnotated(method))
        .toArray(Method[]::new);
  }

  private static Annotation firstAnnotation(Method method) {
    Annotation found = hsmAnnotation(method.getAnnotations());
    if (found != null) {
      return found;
    }
    for (Parameter parameter : method.getParameters()) {
      found = hsmAnnotation(parameter.getAnnotations());
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static Annotation hsmAnnotation(Annotation[] annotations) {
    for (Annotation annotation : annotations) {
      if (annotation instanceof Signed || annotation instanceof Encrypted) {
        return annotation;
      }
    }
    return null;
  }

  private static String describe(Annotation annotation) {
    return annotation instanceof Signed signed
        ? "@Signed(key = \"" + signed.key() + "\")"
        : "@Encrypted(key = \"" + ((Encrypted) annotation).key() + "\")";
  }

  private static String name(Method method) {
    return method.getDeclaringClass().getName() + "." + method.getName();
  }
}
