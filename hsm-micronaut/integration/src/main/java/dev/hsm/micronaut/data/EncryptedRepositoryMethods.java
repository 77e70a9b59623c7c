package dev.hsm.micronaut.data;

import dev.hsm.annotation.InvalidAnnotationException;
import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.AnnotationValue;
import io.micronaut.core.type.Argument;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.annotation.Repository;
import io.micronaut.data.intercept.annotation.DataMethod;
import io.micronaut.data.intercept.annotation.DataMethodQueryParameter;
import io.micronaut.data.model.runtime.convert.AttributeConverter;
import io.micronaut.inject.BeanDefinition;
import io.micronaut.inject.ExecutableMethod;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks, when the application starts, every Micronaut Data repository method that passes one of
 * its parameters to an {@code @Encrypted} column (a finder, a count, an exists or a delete by it, a
 * partial update), so that what would otherwise fail on the first call, or silently find nothing,
 * fails start-up instead with {@link InvalidAnnotationException} naming the method:
 *
 * <ul>
 *   <li>a method that compares a randomized field with an argument: it could never match
 *       (hsm-core's {@link dev.hsm.annotation.EncryptedEntityField#requireComparable}, as in Spring
 *       Boot);
 *   <li>a method that sets a field bound to its row without its entity ({@link
 *       dev.hsm.annotation.EncryptedEntityField#requireWritableWithoutEntity});
 *   <li>a parameter the converter cannot find the field for: Micronaut Data hands it only the
 *       parameter, so it goes by the parameter's own {@code @Encrypted}, else by its name, and that
 *       must lead to the field the query uses.
 * </ul>
 *
 * Parameters taken from an entity being saved are the entity listeners' and are not checked here.
 */
@Context
@Requires(classes = {DataMethod.class, AttributeConverter.class})
public class EncryptedRepositoryMethods {
  private static final Set<DataMethod.OperationType> WRITES =
      EnumSet.of(
          DataMethod.OperationType.INSERT,
          DataMethod.OperationType.INSERT_RETURNING,
          DataMethod.OperationType.UPDATE,
          DataMethod.OperationType.UPDATE_RETURNING);

  /** A query's placeholder: {@code ?}, or a named {@code :parameter}. */
  private static final Pattern PLACEHOLDER = Pattern.compile("\\?|(?<![:\\w]):\\w+");

  /** Where the compared part of an update starts. */
  private static final Pattern WHERE = Pattern.compile("\\bWHERE\\b", Pattern.CASE_INSENSITIVE);

  /**
   * Created by Micronaut at start-up.
   *
   * @throws InvalidAnnotationException naming the repository method, its parameter and the field,
   *     for the first method that cannot work
   */
  public EncryptedRepositoryMethods(BeanContext context, EncryptedFields fields) {
    for (BeanDefinition<?> repository :
        context.getBeanDefinitions(Qualifiers.byStereotype(Repository.class))) {
      for (ExecutableMethod<?, ?> method : repository.getExecutableMethods()) {
        check(method, fields);
      }
    }
  }

  private static void check(ExecutableMethod<?, ?> method, EncryptedFields fields) {
    AnnotationValue<DataMethod> data = method.getAnnotation(DataMethod.class);
    if (data == null) {
      return;
    }
    Class<?> entity = data.classValue(DataMethod.META_MEMBER_ROOT_ENTITY).orElse(null);
    DataMethod.OperationType operation =
        data.enumValue(DataMethod.META_MEMBER_OPERATION_TYPE, DataMethod.OperationType.class)
            .orElse(DataMethod.OperationType.QUERY);
    List<AnnotationValue<DataMethodQueryParameter>> parameters =
        data.getAnnotations(DataMethod.META_MEMBER_PARAMETERS, DataMethodQueryParameter.class);
    int set = WRITES.contains(operation) ? setParameters(method, operation) : 0;
    String where = method.getDeclaringType().getName() + "." + method.getMethodName();
    for (int i = 0; i < parameters.size(); i++) {
      AnnotationValue<DataMethodQueryParameter> parameter = parameters.get(i);
      OptionalInt index = parameter.intValue(DataMethodQueryParameter.META_MEMBER_PARAMETER_INDEX);
      boolean converted =
          parameter
              .classValue(DataMethodQueryParameter.META_MEMBER_CONVERTER)
              .filter(EncryptedAttributeConverter.class::equals)
              .isPresent();
      if (!converted
          || index.isEmpty()
          || index.getAsInt() < 0
          || index.getAsInt() >= method.getArguments().length
          || parameter.stringValues(DataMethodQueryParameter.META_MEMBER_PARAMETER_BINDING_PATH)
                  .length
              > 0) {
        continue; // not encrypted, or taken from an entity, which the listeners handle
      }
      Argument<?> argument = method.getArguments()[index.getAsInt()];
      String property =
          String.join(
              ".", parameter.stringValues(DataMethodQueryParameter.META_MEMBER_PROPERTY_PATH));
      if (property.isEmpty()) {
        property =
            parameter
                .stringValue(DataMethodQueryParameter.META_MEMBER_PROPERTY)
                .orElse(argument.getName());
      }
      fields.checkRepositoryParameter(entity, property, argument, i < set, where);
    }
  }

  /**
   * How many of a write's query parameters, in order, set columns rather than select rows: an
   * insert's all; an update's those before its {@code WHERE}.
   */
  private static int setParameters(
      ExecutableMethod<?, ?> method, DataMethod.OperationType operation) {
    if (operation == DataMethod.OperationType.INSERT
        || operation == DataMethod.OperationType.INSERT_RETURNING) {
      return Integer.MAX_VALUE;
    }
    String query =
        method
            .stringValue(Query.class, "rawQuery")
            .or(() -> method.stringValue(Query.class))
            .orElse("");
    Matcher where = WHERE.matcher(query);
    String setPart = where.find() ? query.substring(0, where.start()) : query;
    int count = 0;
    for (Matcher placeholder = PLACEHOLDER.matcher(setPart); placeholder.find(); ) {
      count++;
    }
    return count;
  }
}
