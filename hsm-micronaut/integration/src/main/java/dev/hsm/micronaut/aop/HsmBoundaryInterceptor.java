package dev.hsm.micronaut.aop;

import dev.hsm.annotation.AnnotatedMethod;
import io.micronaut.aop.InterceptorBean;
import io.micronaut.aop.MethodInterceptor;
import io.micronaut.aop.MethodInvocationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.core.type.MutableArgumentValue;
import java.util.Map;

/**
 * Applies {@code @Signed} and {@code @Encrypted} around a method: annotated arguments are verified
 * or decrypted before the body runs (a bad one throws and the body does not run), and an annotated
 * result is signed or encrypted. The semantics are hsm-core's {@link AnnotatedMethod}, shared with
 * the Spring Boot starter; the plan is built once per method at start-up.
 */
@InterceptorBean(HsmBoundary.class)
public class HsmBoundaryInterceptor implements MethodInterceptor<Object, Object> {
  private final AnnotatedMethods methods;

  /** Created by Micronaut. */
  public HsmBoundaryInterceptor(AnnotatedMethods methods) {
    this.methods = methods;
  }

  @Override
  public Object intercept(MethodInvocationContext<Object, Object> context) {
    AnnotatedMethod plan = methods.plan(context.getExecutableMethod());
    if (plan.hasIncoming()) {
      Object[] converted = plan.incoming(context.getParameterValues());
      Argument<?>[] arguments = context.getArguments();
      Map<String, MutableArgumentValue<?>> parameters = context.getParameters();
      for (int i = 0; i < arguments.length; i++) {
        @SuppressWarnings("unchecked")
        MutableArgumentValue<Object> parameter =
            (MutableArgumentValue<Object>) parameters.get(arguments[i].getName());
        parameter.setValue(converted[i]);
      }
    }
    return plan.outgoing(context.proceed());
  }
}
