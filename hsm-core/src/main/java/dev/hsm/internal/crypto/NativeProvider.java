package dev.hsm.internal.crypto;

import java.lang.reflect.InvocationTargetException;
import java.security.Provider;

/**
 * The optional native provider (Amazon Corretto Crypto Provider, AWS-LC inside the jar), found by
 * reflection so that hsm-core neither needs it to compile nor to run. Looked up once per JVM: the
 * class is loaded, its native library checked, and its self-tests run.
 */
final class NativeProvider {
  static final String CLASS_NAME =
      "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

  /** The provider, or {@code null} if it is unavailable. */
  static final Provider INSTANCE;

  /** Why it is unavailable, or {@code null} if it is available. */
  static final String UNAVAILABLE_REASON;

  static {
    Provider provider = null;
    String reason = null;
    try {
      Class<?> type = Class.forName(CLASS_NAME, true, NativeProvider.class.getClassLoader());
      Provider candidate = (Provider) type.getField("INSTANCE").get(null);
      Object loadingError = type.getMethod("getLoadingError").invoke(candidate);
      if (loadingError != null) {
        reason = "it cannot load its native library on this platform: " + loadingError;
      } else {
        type.getMethod("assertHealthy").invoke(candidate); // runs the self-tests
        provider = candidate;
      }
    } catch (ClassNotFoundException e) {
      reason =
          "it is not on the classpath (add software.amazon.cryptools:AmazonCorrettoCryptoProvider"
              + " with this platform's classifier, e.g. linux-x86_64)";
    } catch (InvocationTargetException e) {
      reason = "it failed its self-tests: " + e.getCause();
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      reason = "it cannot be loaded: " + e;
    }
    INSTANCE = provider;
    UNAVAILABLE_REASON = reason;
  }

  private NativeProvider() {}
}
