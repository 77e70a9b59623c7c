/**
 * {@link dev.hsm.annotation.Signed} and {@link dev.hsm.annotation.Encrypted}, with no framework
 * imports, and the framework-neutral logic the Micronaut and Spring Boot starters share: start-up
 * validation and the conversions at a method's boundary ({@link
 * dev.hsm.annotation.AnnotatedMethod}) and between an entity field and its column ({@link
 * dev.hsm.annotation.EncryptedEntityField}).
 */
package dev.hsm.annotation;
