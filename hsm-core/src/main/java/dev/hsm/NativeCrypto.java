package dev.hsm;

/**
 * Whether operations may run on a native crypto provider instead of pure Java.
 *
 * <p>The library always works in pure Java (the JDK's providers and Bouncy Castle). When the Amazon
 * Corretto Crypto Provider, which wraps AWS-LC, is on the classpath, it is several times faster for
 * ECDSA, Ed25519 and RSA signatures and faster for AES-GCM; add it to use it:
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>software.amazon.cryptools</groupId>
 *   <artifactId>AmazonCorrettoCryptoProvider</artifactId>
 *   <version>2.5.0</version>
 *   <classifier>linux-x86_64</classifier>
 * </dependency>
 * }</pre>
 *
 * <p>It is used per algorithm, only where it is faster: ECDSA, Ed25519 and RSA signing and
 * verification, and AES-256-GCM. Key generation, import checks, key wrapping, HMAC,
 * ChaCha20-Poly1305, AES-GCM-SIV and RSA-OAEP stay on the pure-Java providers, so a store written
 * with the native provider opens and works without it, and the other way round. {@link
 * HsmClient#cryptoProvider(Algorithm)} says which provider runs an algorithm. The provider is used
 * by reference and never installed in {@link java.security.Security}.
 */
public enum NativeCrypto {
  /** Use the native provider when it is on the classpath and passes its self-tests (default). */
  AUTO,

  /** Always use the pure-Java providers, even if the native one is present. */
  OFF,

  /**
   * Use the native provider, and refuse to open the store ({@link
   * NativeCryptoUnavailableException}) if it is missing, fails to load its library on this
   * platform, or fails its self-tests.
   */
  REQUIRED
}
