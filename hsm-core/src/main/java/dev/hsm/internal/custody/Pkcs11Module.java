package dev.hsm.internal.custody;

import dev.hsm.Algorithm;
import dev.hsm.HsmException;
import dev.hsm.InvalidArgumentException;
import dev.hsm.PinSource;
import dev.hsm.spi.KeyCustody;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Set;

/**
 * The PKCS#11 custody of the optional module {@code dev.hsm:hsm-pkcs11}, reached by name (as the
 * PostgreSQL store is) so that hsm-core does not depend on it.
 */
public final class Pkcs11Module {
  /** The module's public entry point. */
  static final String ENTRY_CLASS = "dev.hsm.pkcs11.Pkcs11";

  private Pkcs11Module() {}

  /**
   * {@code dev.hsm.pkcs11.Pkcs11.custody(library, slotId, pin, inSoftware)}.
   *
   * @throws InvalidArgumentException if the module is not on the classpath, naming it, or if it
   *     refuses the arguments
   */
  public static KeyCustody.Factory factory(
      Path library, long slotId, PinSource pin, Set<Algorithm> inSoftware) {
    return invoke(long.class, library, slotId, pin, inSoftware);
  }

  /** {@code dev.hsm.pkcs11.Pkcs11.custody(library, tokenLabel, pin, inSoftware)}. */
  public static KeyCustody.Factory factory(
      Path library, String tokenLabel, PinSource pin, Set<Algorithm> inSoftware) {
    return invoke(String.class, library, tokenLabel, pin, inSoftware);
  }

  private static KeyCustody.Factory invoke(
      Class<?> tokenType, Path library, Object token, PinSource pin, Set<Algorithm> inSoftware) {
    Method custody;
    try {
      Class<?> entry = Class.forName(ENTRY_CLASS, true, loader());
      custody = entry.getMethod("custody", Path.class, tokenType, PinSource.class, Set.class);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      throw new InvalidArgumentException(
          "PKCS#11 custody needs the module dev.hsm:hsm-pkcs11 on the classpath: add"
              + " <dependency><groupId>dev.hsm</groupId><artifactId>hsm-pkcs11</artifactId>"
              + "</dependency>");
    }
    try {
      return (KeyCustody.Factory) custody.invoke(null, library, token, pin, inSoftware);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof HsmException) {
        throw (HsmException) e.getCause();
      }
      throw new HsmException("hsm-pkcs11 failed to make its custody", e.getCause());
    } catch (IllegalAccessException e) {
      throw new HsmException("hsm-pkcs11's entry point is not accessible", e);
    }
  }

  private static ClassLoader loader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (context != null) {
      try {
        Class.forName(ENTRY_CLASS, false, context);
        return context;
      } catch (ClassNotFoundException e) {
        // not there: try the one that loaded hsm-core
      }
    }
    return Pkcs11Module.class.getClassLoader();
  }
}
