package dev.hsm.internal.crypto;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells {@link Randomness} when a CRaC checkpoint has been restored, so that no generator state or
 * pre-drawn nonce from before the checkpoint is used in the restored copies (each copy would
 * otherwise repeat the same nonces). Found by reflection, like the native provider: the library
 * neither needs nor loads CRaC where it is absent. Both the JDK's {@code jdk.crac} and the {@code
 * org.crac} facade are served.
 */
final class CracHook {
  private static final System.Logger LOG = System.getLogger("dev.hsm");

  /** CRaC holds resources weakly: these references keep the hooks alive. */
  private static final List<Object> HOOKS = new ArrayList<>();

  private CracHook() {}

  static synchronized void register() {
    for (String api : new String[] {"jdk.crac", "org.crac"}) {
      try {
        Class<?> core = Class.forName(api + ".Core");
        Class<?> resource = Class.forName(api + ".Resource");
        Object context = core.getMethod("getGlobalContext").invoke(null);
        Object hook =
            Proxy.newProxyInstance(
                resource.getClassLoader(),
                new Class<?>[] {resource},
                (proxy, method, args) -> answer(proxy, method, args));
        HOOKS.add(hook);
        context.getClass().getMethod("register", resource).invoke(context, hook);
      } catch (ClassNotFoundException absent) {
        // no CRaC here: nothing to register
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "could not register for CRaC restores; do not restore this process from a checkpoint",
            e);
      }
    }
  }

  private static Object answer(Object proxy, Method method, Object[] args) {
    switch (method.getName()) {
      case "afterRestore":
        Randomness.discardAfterRestore();
        return null;
      case "hashCode":
        return System.identityHashCode(proxy);
      case "equals":
        return proxy == args[0];
      case "toString":
        return "dev.hsm randomness (discarded after a restore)";
      default: // beforeCheckpoint: nothing to do
        return null;
    }
  }
}
