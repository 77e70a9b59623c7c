package dev.hsm.micronaut.data;

import dev.hsm.HsmException;
import io.micronaut.aop.InterceptorBean;
import io.micronaut.aop.MethodInterceptor;
import io.micronaut.aop.MethodInvocationContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.data.exceptions.DataAccessException;

/**
 * Micronaut Data wraps what an entity event listener throws in its own {@link DataAccessException}
 * ({@code PersistenceEventException}). When the cause is one of hsm-core's exceptions, thrown by
 * the listeners that encrypt and decrypt {@code @Encrypted} fields (a value copied from another
 * row, a row-bound field saved without an id), this rethrows that exception, with Micronaut Data's
 * wrapper attached as suppressed: a repository call fails with {@link
 * dev.hsm.InvalidCiphertextException} or {@link dev.hsm.annotation.InvalidAnnotationException}, as
 * with the Spring Boot starter. Any other failure passes unchanged. Applies to repository methods
 * that return their result (not to asynchronous or reactive ones).
 */
@InterceptorBean(HsmDataErrors.class)
@Requires(classes = DataAccessException.class)
public class HsmDataErrorsInterceptor implements MethodInterceptor<Object, Object> {

  @Override
  public Object intercept(MethodInvocationContext<Object, Object> context) {
    try {
      return context.proceed();
    } catch (DataAccessException e) {
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        if (cause instanceof HsmException hsm) {
          hsm.addSuppressed(e);
          throw hsm;
        }
      }
      throw e;
    }
  }
}
