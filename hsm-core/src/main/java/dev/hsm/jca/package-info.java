/**
 * The Java Cryptography Architecture face of the HSM: a {@link java.security.Provider} ({@link
 * dev.hsm.jca.HsmProvider}) whose {@code KeyStore} opens a store and whose {@code Signature},
 * {@code Mac} and RSA-OAEP {@code Cipher} run through the same policy gate, state checks and audit
 * log as {@link dev.hsm.KeyHandle}; and X.509 certificates and PKCS#10 requests for key versions
 * ({@link dev.hsm.jca.Certificates}). Keys used here make standard-form signatures, so they are
 * created with {@link dev.hsm.Operation#SIGN_STANDARD}; {@code docs/JCA.md} shows keytool,
 * jarsigner and a TLS server.
 *
 * <p>The library never installs the provider: applications add it themselves ({@code
 * Security.addProvider}, or {@code -providerClass} for keytool and jarsigner).
 */
package dev.hsm.jca;
