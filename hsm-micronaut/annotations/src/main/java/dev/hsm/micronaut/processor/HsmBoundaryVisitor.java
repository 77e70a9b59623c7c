package dev.hsm.micronaut.processor;

import io.micronaut.aop.InterceptorBinding;
import io.micronaut.aop.InterceptorKind;
import io.micronaut.context.annotation.Executable;
import io.micronaut.core.annotation.AnnotationClassValue;
import io.micronaut.core.annotation.AnnotationMetadata;
import io.micronaut.core.annotation.AnnotationValue;
import io.micronaut.inject.ast.ClassElement;
import io.micronaut.inject.ast.ElementQuery;
import io.micronaut.inject.ast.MethodElement;
import io.micronaut.inject.ast.ParameterElement;
import io.micronaut.inject.visitor.TypeElementQuery;
import io.micronaut.inject.visitor.TypeElementVisitor;
import io.micronaut.inject.visitor.VisitorContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Marks every method that uses hsm-core's {@code @Signed} or {@code @Encrypted} (on itself or on a
 * parameter) as around-advised by hsm-micronaut's interceptor, and as processed at start-up so that
 * wrong use fails when the application starts. Core's annotations carry no Micronaut imports, so
 * Micronaut's compiler learns about them here; this jar must therefore be on the annotation
 * processor path of every compilation that uses them.
 *
 * <p>Micronaut Data repositories, entities and records are left alone: entity fields are handled by
 * the data converter ({@link EncryptedFieldMapper}) and hsm-micronaut's entity listeners, and a
 * repository's query parameters are encrypted by that converter, so intercepting them would encrypt
 * twice. Repositories get one interceptor of their own, which only hands hsm-core's exceptions from
 * that data layer to the caller unwrapped.
 */
public final class HsmBoundaryVisitor implements TypeElementVisitor<Object, Object> {
  static final String SIGNED = "dev.hsm.annotation.Signed";
  static final String ENCRYPTED = "dev.hsm.annotation.Encrypted";

  /** The binding hsm-micronaut's interceptor is registered for. */
  static final String BOUNDARY = "dev.hsm.micronaut.aop.HsmBoundary";

  /** The binding of hsm-micronaut's interceptor that unwraps its data-layer exceptions. */
  static final String DATA_ERRORS = "dev.hsm.micronaut.data.HsmDataErrors";

  private static final String REPOSITORY = "io.micronaut.data.annotation.Repository";
  private static final String MAPPED_ENTITY = "io.micronaut.data.annotation.MappedEntity";

  @Override
  public Set<String> getSupportedAnnotationNames() {
    return Set.of(SIGNED, ENCRYPTED);
  }

  @Override
  public VisitorKind getVisitorKind() {
    return VisitorKind.ISOLATING;
  }

  @Override
  public TypeElementQuery query() {
    return TypeElementQuery.onlyMethods();
  }

  @Override
  public int getOrder() {
    // before the bean, AOP and data visitors read the metadata
    return 200;
  }

  /**
   * Binds every Micronaut Data repository to hsm-micronaut's data-errors interceptor, so that
   * hsm-core's exceptions from {@code @Encrypted} entity fields reach the application unwrapped.
   */
  @Override
  public void visitClass(ClassElement element, VisitorContext context) {
    if (element.hasStereotype(REPOSITORY) && element.isAbstract()) {
      element.annotate(DATA_ERRORS);
      element.annotate(
          AnnotationValue.builder(InterceptorBinding.class)
              .member(AnnotationMetadata.VALUE_MEMBER, new AnnotationClassValue<>(DATA_ERRORS))
              .member("kind", InterceptorKind.AROUND)
              .build());
    }
  }

  @Override
  public void visitMethod(MethodElement method, VisitorContext context) {
    ClassElement owner = method.getOwningType();
    if (!usesHsmAnnotations(method) && !overridesAnnotatedMethod(method, owner)) {
      return;
    }
    if (owner.hasStereotype(REPOSITORY) || owner.hasStereotype(MAPPED_ENTITY) || owner.isRecord()) {
      return;
    }
    if (method.isPrivate() || method.isStatic()) {
      context.fail(
          "@Signed/@Encrypted on "
              + owner.getName()
              + "."
              + method.getName()
              + ": a "
              + (method.isPrivate() ? "private" : "static")
              + " method cannot be intercepted; make it a public or package-private instance method",
          method);
      return;
    }
    method.annotate(BOUNDARY);
    method.annotate(
        AnnotationValue.builder(InterceptorBinding.class)
            .member(AnnotationMetadata.VALUE_MEMBER, new AnnotationClassValue<>(BOUNDARY))
            .member("kind", InterceptorKind.AROUND)
            .build());
    method.annotate(Executable.class, builder -> builder.member("processOnStartup", true));
  }

  /**
   * Whether {@code method} implements or overrides a method that carries the annotations. Such a
   * method is bound too, so that start-up refuses it (the annotations belong on the implementing
   * method) instead of the annotations silently doing nothing.
   */
  private static boolean overridesAnnotatedMethod(MethodElement method, ClassElement owner) {
    if (method.isAbstract() || method.isStatic() || method.isPrivate()) {
      return false;
    }
    List<ClassElement> supertypes = new ArrayList<>(owner.getInterfaces());
    owner.getSuperType().ifPresent(supertypes::add);
    for (ClassElement supertype : supertypes) {
      for (MethodElement candidate :
          supertype.getEnclosedElements(ElementQuery.ALL_METHODS.named(method.getName()))) {
        if (method.overrides(candidate) && usesHsmAnnotations(candidate)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean usesHsmAnnotations(MethodElement method) {
    if (method.hasAnnotation(SIGNED) || method.hasAnnotation(ENCRYPTED)) {
      return true;
    }
    for (ParameterElement parameter : method.getParameters()) {
      if (parameter.hasAnnotation(SIGNED) || parameter.hasAnnotation(ENCRYPTED)) {
        return true;
      }
    }
    return false;
  }
}
