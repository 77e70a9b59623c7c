package dev.hsm.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value at this boundary is encrypted with the named AEAD key.
 *
 * <ul>
 *   <li>On a method returning {@code String} or {@code byte[]}: the caller receives ciphertext (for
 *       {@code String}, the envelope in unpadded Base64url).
 *   <li>On a parameter of type {@code String} or {@code byte[]}: the argument arrives encrypted and
 *       the method receives the plaintext; a bad ciphertext throws {@link
 *       dev.hsm.InvalidCiphertextException} before the method body runs.
 *   <li>On an entity field: the column holds ciphertext, the object holds plaintext. With {@code
 *       deterministic = true} (an {@code AES_256_GCM_SIV} key) equal values give equal ciphertexts,
 *       so equality queries still work.
 * </ul>
 *
 * <p>Framework starters apply it; any other use fails at application start-up with a message naming
 * the method or field and the key.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.PARAMETER, ElementType.FIELD})
public @interface Encrypted {
  /** The name of an AEAD key (AES-256-GCM, ChaCha20-Poly1305, AES-256-GCM-SIV) in the store. */
  String key();

  /** Whether equal plaintexts must give equal ciphertexts; needs an {@code AES_256_GCM_SIV} key. */
  boolean deterministic() default false;

  /**
   * Context bound to the ciphertext as associated data (UTF-8); decryption must use the same. Give
   * each field or purpose its own, so a value cannot be moved to another column.
   */
  String context() default "";
}
