/**
 * {@link dev.hsm.annotation.Signed} and {@link dev.hsm.annotation.Encrypted}, with no framework
 * imports, and {@link dev.hsm.annotation.AnnotatedMethod}, the framework-neutral logic the
 * Micronaut and Spring Boot starters share: start-up validation and the conversions at a method's
 * boundary.
 */
package dev.hsm.annotation;
