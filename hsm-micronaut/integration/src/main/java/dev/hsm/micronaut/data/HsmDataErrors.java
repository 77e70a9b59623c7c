package dev.hsm.micronaut.data;

import io.micronaut.aop.Around;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Added at compile time (by {@code hsm-micronaut-annotations}) to every Micronaut Data repository;
 * binds {@link HsmDataErrorsInterceptor}, so the application receives hsm-core's exceptions from
 * {@code @Encrypted} entity fields as they are thrown, not wrapped by Micronaut Data. Not for
 * application code.
 */
@Documented
@Around
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface HsmDataErrors {}
