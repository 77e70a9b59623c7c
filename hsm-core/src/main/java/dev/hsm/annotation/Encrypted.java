package dev.hsm.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value at this boundary is encrypted with the named AEAD key, or post-quantum encryption key
 * (HPKE with ML-KEM; larger ciphertexts, about 1.1 to 1.6 KB more per value).
 *
 * <ul>
 *   <li>On a method returning {@code String} or {@code byte[]}: the caller receives ciphertext (for
 *       {@code String}, the envelope in unpadded Base64url).
 *   <li>On a parameter of type {@code String} or {@code byte[]}: the argument arrives encrypted and
 *       the method receives the plaintext; a bad ciphertext throws {@link
 *       dev.hsm.InvalidCiphertextException} before the method body runs.
 *   <li>On an entity field: the column holds ciphertext, the object holds plaintext. The ciphertext
 *       is bound to its row (the entity's table and id, and the field's column; see {@link
 *       #bindToRow}), so a value copied into another row does not decrypt. With {@code
 *       deterministic = true} (an {@code AES_256_GCM_SIV} key) equal values give equal ciphertexts,
 *       so equality queries still work; such a field cannot be bound to its row.
 * </ul>
 *
 * <p>Framework starters apply it; any other use fails at application start-up with a message naming
 * the method or field and the key.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.PARAMETER, ElementType.FIELD})
public @interface Encrypted {
  /**
   * The name of an AEAD key (AES-256-GCM, ChaCha20-Poly1305, AES-256-GCM-SIV) or a post-quantum
   * encryption key (ML-KEM-768 + X25519, ML-KEM-1024) in the store.
   */
  String key();

  /** Whether equal plaintexts must give equal ciphertexts; needs an {@code AES_256_GCM_SIV} key. */
  boolean deterministic() default false;

  /**
   * Context bound to the ciphertext as associated data (UTF-8); decryption must use the same. Give
   * each field or purpose its own, so a value cannot be moved to another column.
   */
  String context() default "";

  /**
   * On an entity field: whether its ciphertext is also bound to its row, that is to the entity's
   * table, the row's id and the field's column, so that a value copied into another row, column or
   * table fails to decrypt ({@link dev.hsm.InvalidCiphertextException}) instead of showing another
   * row's data. The id must then be known before the row is written (assigned by the application: a
   * UUID, a natural key); an entity whose id the database generates on insert is refused.
   *
   * <p>{@code false} opts the field out: its context is then the {@link #context} alone, and a
   * value copied between rows of its column decrypts there. Deterministic fields are never bound to
   * their row, whatever this says: equal values must encrypt the same in every row for equality
   * queries to find them. Methods and parameters have no row; this is ignored there.
   */
  boolean bindToRow() default true;
}
