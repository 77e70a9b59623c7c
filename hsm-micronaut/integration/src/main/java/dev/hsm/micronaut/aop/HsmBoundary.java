package dev.hsm.micronaut.aop;

import io.micronaut.aop.Around;
import io.micronaut.context.annotation.Executable;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Added at compile time (by {@code hsm-micronaut-annotations}) to every method that uses
 * {@code @Signed} or {@code @Encrypted} on itself or a parameter; binds {@link
 * HsmBoundaryInterceptor}. Not for application code: annotate with hsm-core's annotations instead.
 *
 * <p>{@code processOnStartup} hands each such method to {@link AnnotatedMethods} when the
 * application starts, which validates it.
 */
@Documented
@Around
@Executable(processOnStartup = true)
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface HsmBoundary {}
