package dev.hsm.spring;

import dev.hsm.KeyHandle;
import java.lang.reflect.Method;
import java.util.function.Function;
import org.springframework.aop.ClassFilter;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Proxies every bean that has a method with {@code @Signed} or {@code @Encrypted} (on the method or
 * a parameter) and routes those methods through {@link HsmMethodInterceptor}. This is how Spring
 * itself applies {@code @Async} and {@code @Validated}: it needs neither AspectJ nor an auto-proxy
 * creator. When a bean is advised, all its annotated methods are validated, so a wrong use fails
 * start-up naming the method and the key.
 */
final class HsmAnnotationAdvisingPostProcessor
    extends AbstractBeanFactoryAwareAdvisingPostProcessor {
  private static final long serialVersionUID = 1L;

  private final transient HsmMethodInterceptor interceptor;

  HsmAnnotationAdvisingPostProcessor(Function<String, KeyHandle> keys, boolean proxyTargetClass) {
    this.interceptor = new HsmMethodInterceptor(keys);
    this.advisor = new DefaultPointcutAdvisor(new AnnotatedMethodPointcut(), interceptor);
    // Outermost: arguments are checked before other advice (transactions...) starts.
    setBeforeExistingAdvisors(true);
    setProxyTargetClass(proxyTargetClass);
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (isEligible(bean, beanName)) {
      interceptor.validate(AopUtils.getTargetClass(bean));
    }
    return super.postProcessAfterInitialization(bean, beanName);
  }

  /** Matches methods that are annotated, or override an annotated one (to fail at validation). */
  private static final class AnnotatedMethodPointcut extends StaticMethodMatcherPointcut {
    AnnotatedMethodPointcut() {
      setClassFilter(ClassFilter.TRUE);
    }

    @Override
    public boolean matches(Method method, Class<?> targetClass) {
      Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
      return HsmMethodInterceptor.isAnnotated(specific)
          || HsmMethodInterceptor.annotatedOverridden(specific) != null;
    }
  }
}
