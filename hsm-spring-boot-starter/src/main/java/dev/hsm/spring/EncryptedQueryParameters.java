package dev.hsm.spring;

import dev.hsm.annotation.Encrypted;
import dev.hsm.annotation.InvalidAnnotationException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.data.core.PropertyPath;
import org.springframework.data.domain.Sort;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.jdbc.repository.support.JdbcRepositoryFactoryBean;
import org.springframework.data.repository.core.RepositoryInformation;
import org.springframework.data.repository.query.DefaultParameters;
import org.springframework.data.repository.query.Parameter;
import org.springframework.data.repository.query.Parameters;
import org.springframework.data.repository.query.ParametersSource;
import org.springframework.data.repository.query.parser.Part;
import org.springframework.data.repository.query.parser.PartTree;
import org.springframework.util.ReflectionUtils;

/**
 * Makes derived queries on deterministic {@code @Encrypted} fields work with plaintext arguments:
 * {@code findByEmail("alice@example.com")} is run as {@code findByEmail(<ciphertext>)}, which
 * matches the column because equal plaintexts give equal AES-GCM-SIV ciphertexts. Each JDBC
 * repository is checked when Spring Data builds it: a derived query that cannot work on ciphertext
 * (a randomized field compared with an argument, {@code Like}, {@code IgnoreCase}, ordering,
 * comparisons) fails start-up naming the method, the field and the key; {@code IsNull} and {@code
 * IsNotNull} work on any encrypted field. Queries written with {@code @Query} are not touched.
 */
final class EncryptedQueryParameters implements BeanPostProcessor {
  private static final Set<Part.Type> EQUALITY =
      EnumSet.of(Part.Type.SIMPLE_PROPERTY, Part.Type.NEGATING_SIMPLE_PROPERTY);
  private static final Set<Part.Type> MEMBERSHIP = EnumSet.of(Part.Type.IN, Part.Type.NOT_IN);
  private static final Set<Part.Type> NULL_CHECKS =
      EnumSet.of(Part.Type.IS_NULL, Part.Type.IS_NOT_NULL);

  private final Supplier<EncryptedEntities> entities;

  EncryptedQueryParameters(Supplier<EncryptedEntities> entities) {
    this.entities = entities;
  }

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName) {
    if (bean instanceof JdbcRepositoryFactoryBean<?, ?, ?> factoryBean) {
      factoryBean.addRepositoryFactoryCustomizer(
          factory ->
              factory.addRepositoryProxyPostProcessor(
                  (proxy, repository) -> {
                    Map<Method, ArgumentConverter[]> plans = plan(repository);
                    if (!plans.isEmpty()) {
                      proxy.addAdvice(new Interceptor(plans));
                    }
                  }));
    }
    return bean;
  }

  /** For each query method that needs it, one converter per parameter (null where none). */
  private Map<Method, ArgumentConverter[]> plan(RepositoryInformation repository) {
    Class<?> domainType = repository.getDomainType();
    EncryptedEntities encrypted = entities.get();
    if (encrypted.plan(domainType).isEmpty()) {
      return Map.of();
    }
    Map<Method, ArgumentConverter[]> plans = new HashMap<>();
    for (Method method : repository.getQueryMethods()) {
      if (AnnotatedElementUtils.hasAnnotation(method, Query.class)) {
        continue;
      }
      PartTree tree;
      try {
        tree = new PartTree(method.getName(), domainType);
      } catch (RuntimeException notDerived) {
        continue; // Spring Data reports methods it cannot derive a query from
      }
      String where = method.getDeclaringClass().getName() + "." + method.getName();
      for (Sort.Order order : tree.getSort()) {
        Optional<EncryptedEntities.Field> field = encrypted.field(domainType, order.getProperty());
        if (field.isPresent()) {
          throw refused(field.get(), where, "ordering by it would order ciphertexts, not values");
        }
      }
      Parameters<?, ?> parameters = new DefaultParameters(ParametersSource.of(repository, method));
      List<Parameter> bindable = new ArrayList<>();
      parameters.getBindableParameters().forEach(bindable::add);
      ArgumentConverter[] converters = new ArgumentConverter[method.getParameterCount()];
      boolean any = false;
      int next = 0;
      for (Part part : tree.getParts()) {
        int arguments = part.getNumberOfArguments();
        Optional<EncryptedEntities.Field> field =
            encryptedField(encrypted, domainType, part.getProperty(), where);
        if (field.isPresent()) {
          ArgumentConverter converter = converter(field.get(), part, where);
          if (converter != null && next < bindable.size()) {
            Parameter parameter = bindable.get(next);
            converter.checkParameterType(parameter.getType(), field.get(), where);
            converters[parameter.getIndex()] = converter;
            any = true;
          }
        }
        next += arguments;
      }
      if (any) {
        plans.put(method, converters);
      }
    }
    return plans;
  }

  private static Optional<EncryptedEntities.Field> encryptedField(
      EncryptedEntities encrypted, Class<?> domainType, PropertyPath path, String where) {
    if (!path.hasNext()) {
      return encrypted.field(domainType, path.getSegment());
    }
    PropertyPath leaf = path.getLeafProperty();
    java.lang.reflect.Field nested =
        ReflectionUtils.findField(leaf.getOwningType().getType(), leaf.getSegment());
    if (nested != null && nested.isAnnotationPresent(Encrypted.class)) {
      throw new InvalidAnnotationException(
          "@Encrypted(key = \""
              + nested.getAnnotation(Encrypted.class).key()
              + "\") on "
              + nested.getDeclaringClass().getName()
              + "."
              + nested.getName()
              + " (field): "
              + where
              + " queries it through "
              + path.toDotPath()
              + ", but only the aggregate root's own"
              + " fields are encrypted");
    }
    return Optional.empty();
  }

  private static ArgumentConverter converter(
      EncryptedEntities.Field field, Part part, String where) {
    if (NULL_CHECKS.contains(part.getType())) {
      return null; // no argument: nothing to encrypt, and a null column is null for any field
    }
    field.conversion().requireComparable(where);
    if (part.shouldIgnoreCase() != Part.IgnoreCaseType.NEVER) {
      throw refused(
          field,
          where,
          "ignoring case cannot work on ciphertext; normalise the value before saving");
    }
    if (EQUALITY.contains(part.getType())) {
      return new ArgumentConverter(field, false);
    }
    if (MEMBERSHIP.contains(part.getType())) {
      return new ArgumentConverter(field, true);
    }
    throw refused(
        field,
        where,
        part.getType().name() + " cannot work on ciphertext; only equality, In and IsNull can");
  }

  private static InvalidAnnotationException refused(
      EncryptedEntities.Field field, String where, String why) {
    return new InvalidAnnotationException(
        "@Encrypted(key = \""
            + field.annotation().key()
            + "\") on "
            + field.where()
            + ": the derived query "
            + where
            + " cannot use it: "
            + why);
  }

  /** Encrypts one argument: a value, or each element of a collection for {@code In}. */
  private record ArgumentConverter(EncryptedEntities.Field field, boolean many) {
    Object apply(Object argument) {
      if (!many || argument == null) {
        return encrypt(argument);
      }
      if (argument instanceof Collection<?> values) {
        List<Object> converted = new ArrayList<>(values.size());
        for (Object value : values) {
          converted.add(encrypt(value));
        }
        return converted;
      }
      Object[] values = (Object[]) argument;
      Object[] converted = new Object[values.length];
      for (int i = 0; i < values.length; i++) {
        converted[i] = encrypt(values[i]);
      }
      return converted;
    }

    /** A deterministic field's column value: not bound to any row, so equal to the stored one. */
    private Object encrypt(Object value) {
      return field.conversion().toColumn(value, null);
    }

    void checkParameterType(Class<?> type, EncryptedEntities.Field field, String where) {
      Class<?> fieldType = field.property().getType();
      boolean fits =
          many
              ? Collection.class.isAssignableFrom(type) || (type.isArray() && type != byte[].class)
              : type == fieldType;
      if (!fits) {
        throw refused(
            field,
            where,
            "its parameter is "
                + type.getTypeName()
                + ", not "
                + (many ? "a collection of " : "")
                + fieldType.getTypeName()
                + " like the field");
      }
    }
  }

  /** Replaces the plaintext arguments of planned query methods with ciphertext. */
  private static final class Interceptor implements MethodInterceptor {
    private final Map<Method, ArgumentConverter[]> plans;

    Interceptor(Map<Method, ArgumentConverter[]> plans) {
      this.plans = Map.copyOf(plans);
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
      ArgumentConverter[] converters = plans.get(invocation.getMethod());
      if (converters != null) {
        Object[] arguments = invocation.getArguments().clone();
        for (int i = 0; i < converters.length; i++) {
          if (converters[i] != null) {
            arguments[i] = converters[i].apply(arguments[i]);
          }
        }
        if (invocation instanceof ProxyMethodInvocation proxied) {
          proxied.setArguments(arguments);
        } else {
          System.arraycopy(arguments, 0, invocation.getArguments(), 0, arguments.length);
        }
      }
      return invocation.proceed();
    }
  }
}
