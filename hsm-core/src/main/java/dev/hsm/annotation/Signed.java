package dev.hsm.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value at this boundary is signed with the named key, as a JWS in compact serialization (RFC
 * 7515) whose {@code kid} names key and version.
 *
 * <ul>
 *   <li>On a method returning {@code String} or {@code byte[]}: the caller receives the JWS of the
 *       returned value (for {@code byte[]}, the JWS's ASCII bytes).
 *   <li>On a parameter of type {@code String} or {@code byte[]}: the argument arrives as a JWS; it
 *       is verified (any enabled version) and the method receives the payload. A bad signature
 *       throws {@link dev.hsm.VerificationFailedException} before the method body runs.
 * </ul>
 *
 * <p>Framework starters apply it; any other use (another type, an unknown key, a key that cannot
 * sign or verify) fails at application start-up with a message naming the method and the key.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.PARAMETER})
public @interface Signed {
  /** The name of a signing key (ECDSA, Ed25519, RSA) or HMAC key in the store. */
  String key();
}
