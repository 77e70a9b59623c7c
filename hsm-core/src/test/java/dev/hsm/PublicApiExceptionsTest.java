package dev.hsm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.spi.KeyCustody;
import dev.hsm.spi.KeyRecordStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's promise, swept: every public method of {@code HsmClient}, {@code KeyHandle} (of each
 * kind of key), {@code HsmAdmin}, {@code AuditLog}, {@code HsmConfig}, {@code KeyMaterial}, {@code
 * UnlockSecret} and {@code KeySpec} is called with each argument in turn replaced by a {@code
 * null}, empty, out-of-range or malformed value (the others valid). Each call either returns or
 * throws an {@link HsmException}: never a {@code NullPointerException}, {@code
 * IllegalArgumentException}, {@code IllegalStateException} or anything else, and never hangs. A
 * {@code null} or a malformed argument gives {@link InvalidArgumentException} in particular.
 */
class PublicApiExceptionsTest {
  private static final Set<String> SKIPPED =
      Set.of(
          // change who may use the store, so later calls would test only the refusal
          "close", "setAdminPassphrase", "rotateMasterKey");

  @TempDir Path dir;
  private HsmClient hsm;
  private final Map<String, Object> targets = new LinkedHashMap<>();
  private final ExecutorService runner = Executors.newSingleThreadExecutor();
  private final List<String> violations = new ArrayList<>();
  private int calls;

  @BeforeEach
  void open() {
    hsm = TestStores.open(dir, "api.db");
    targets.put("HsmClient", hsm);
    targets.put("KeyHandle(AES-GCM)", hsm.createKey("aes", KeySpec.aes256Gcm()));
    targets.put("KeyHandle(GCM-SIV)", hsm.createKey("siv", KeySpec.aes256GcmSiv()));
    targets.put("KeyHandle(ECDSA)", hsm.createKey("ec", KeySpec.ecdsaP256()));
    targets.put("KeyHandle(HMAC)", hsm.createKey("hmac", KeySpec.hmacSha256()));
    KeyHandle ed = hsm.createKey("ed", KeySpec.ed25519());
    targets.put("KeyHandle(Ed25519)", ed);
    targets.put(
        "KeyHandle(Ed25519 public)",
        hsm.importKey("ed-public", KeySpec.ed25519(), KeyMaterial.publicKeyPem(ed.publicKeyPem())));
    targets.put("KeyHandle(RSA-OAEP)", hsm.createKey("oaep", KeySpec.rsaOaepSha256(2048)));
    targets.put("HsmAdmin", hsm.admin());
    targets.put("AuditLog", hsm.auditLog());
    targets.put("HsmConfig", HsmConfig.sqlite(dir.resolve("other.db")));
    targets.put("KeySpec", KeySpec.ecdsaP256());
    targets.put("UnlockSecret", UnlockSecret.passphrase("pass"));
    targets.put("KeyMaterial", KeyMaterial.secretKey(new byte[32]));
  }

  @AfterEach
  void close() {
    runner.shutdownNow();
    hsm.close();
  }

  /** A valid value of {@code type}, for the arguments not under test. */
  private Object valid(Class<?> type) {
    if (type == String.class) {
      return "aes";
    } else if (type == byte[].class) {
      return "data".getBytes(UTF_8);
    } else if (type == char[].class) {
      return "admin passphrase".toCharArray();
    } else if (type == int.class) {
      return 1;
    } else if (type == long.class) {
      return 1L;
    } else if (type == boolean.class) {
      return true;
    } else if (type == Duration.class) {
      return Duration.ofDays(2);
    } else if (type == Path.class) {
      return dir.resolve("valid-" + calls + ".db");
    } else if (type == KeySpec.class) {
      return KeySpec.aes256Gcm();
    } else if (type == KeyMaterial.class) {
      return KeyMaterial.secretKey(new byte[32]);
    } else if (type == UnlockSecret.class) {
      return UnlockSecret.passphrase("another");
    } else if (type == UnlockSecret[].class) {
      return new UnlockSecret[] {UnlockSecret.passphrase("another")};
    } else if (type == Operation.class) {
      return Operation.ENCRYPT;
    } else if (type == Operation[].class) {
      return new Operation[0];
    } else if (type == Algorithm.class) {
      return Algorithm.AES_256_GCM;
    } else if (type == Argon2Parameters.class) {
      return TestStores.FAST_ARGON2;
    } else if (type == HsmConfig.class) {
      return TestStores.keyFileConfig(dir, "opened-" + calls + ".db");
    } else if (type == NativeCrypto.class) {
      return NativeCrypto.OFF;
    } else if (type == Clock.class) {
      return Clock.systemUTC();
    }
    return null; // plug-in factories: only their null is tried
  }

  /** Null, empty, out-of-range and malformed values of {@code type}. */
  private List<Object> bad(Class<?> type) {
    List<Object> values = new ArrayList<>();
    if (!type.isPrimitive()) {
      values.add(null);
    }
    if (type == String.class) {
      values.addAll(
          List.of("", " ", "a/b", "../x", "\u0000", "x".repeat(300), "dev.hsm/x", "k:1", "ü"));
    } else if (type == byte[].class) {
      values.addAll(
          List.of(
              new byte[0],
              new byte[] {1},
              new byte[] {1, 0, 0, 0, 1},
              new byte[] {4, 0, 0, 0, 0},
              new byte[] {5, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0},
              new byte[300],
              "dev.hsm/v2/key-export".getBytes(UTF_8)));
    } else if (type == char[].class) {
      values.add(new char[0]);
    } else if (type == int.class) {
      values.addAll(List.of(-1, 0, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 21));
    } else if (type == long.class) {
      values.addAll(List.of(-1L, 0L, Long.MIN_VALUE, Long.MAX_VALUE));
    } else if (type == Duration.class) {
      values.addAll(
          List.of(
              Duration.ZERO,
              Duration.ofNanos(1),
              Duration.ofSeconds(-5),
              Duration.ofSeconds(Long.MAX_VALUE),
              Duration.ofSeconds(Long.MIN_VALUE)));
    } else if (type == Path.class) {
      values.addAll(List.of(dir, dir.resolve("missing/dir/x.db"), Path.of("")));
    } else if (type == KeyMaterial.class) {
      KeyMaterial destroyed = KeyMaterial.secretKey(new byte[32]);
      destroyed.destroy();
      values.add(destroyed);
    } else if (type == UnlockSecret[].class) {
      values.addAll(List.of(new UnlockSecret[0], new UnlockSecret[] {null}));
    } else if (type == Operation[].class) {
      values.add(new Operation[] {null});
    }
    return values;
  }

  private static List<Method> publicMethods(Class<?> type) {
    List<Method> methods = new ArrayList<>();
    for (Method method : type.getMethods()) {
      if (method.getDeclaringClass().getPackageName().equals("dev.hsm")
          && method.getParameterCount() > 0
          && !SKIPPED.contains(method.getName())
          && !method.getName().equals("equals")) {
        methods.add(method);
      }
    }
    methods.sort(Comparator.comparing(Method::toString));
    return methods;
  }

  private void sweep(String what, Object target, Class<?> type, boolean statics) {
    for (Method method : publicMethods(type)) {
      if (Modifier.isStatic(method.getModifiers()) != statics) {
        continue;
      }
      Class<?>[] parameters = method.getParameterTypes();
      for (int i = 0; i < parameters.length; i++) {
        for (Object badValue : bad(parameters[i])) {
          Object[] arguments = new Object[parameters.length];
          for (int j = 0; j < parameters.length; j++) {
            arguments[j] = j == i ? badValue : valid(parameters[j]);
          }
          call(what, target, method, i, arguments);
        }
      }
    }
  }

  private void call(String what, Object target, Method method, int index, Object[] arguments) {
    calls++;
    String call =
        what
            + "."
            + method.getName()
            + Arrays.toString(method.getParameterTypes())
            + " with argument "
            + index
            + " = "
            + describe(arguments[index]);
    Future<?> result =
        runner.submit(
            () -> {
              method.invoke(target, arguments);
              return null;
            });
    try {
      result.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException hang) {
      result.cancel(true);
      violations.add(call + ": did not return within 60 s");
    } catch (Exception e) {
      Throwable thrown = e.getCause() instanceof InvocationTargetException ite ? ite.getCause() : e;
      if (!(thrown instanceof HsmException)) {
        violations.add(call + ": threw " + thrown);
      } else if (arguments[index] == null && !(thrown instanceof InvalidArgumentException)) {
        violations.add(
            call + ": a null argument gave " + thrown + ", not InvalidArgumentException");
      }
    }
  }

  private static String describe(Object value) {
    if (value instanceof byte[] bytes) {
      return "byte[" + bytes.length + "]";
    } else if (value instanceof char[] chars) {
      return "char[" + chars.length + "]";
    } else if (value instanceof Object[] array) {
      return Arrays.toString(array);
    } else if (value instanceof String s && s.length() > 20) {
      return "a string of " + s.length() + " characters";
    }
    return String.valueOf(value);
  }

  @Test
  void everyPublicMethod_givenBadArguments_throwsOnlyHsmExceptions_andNullGivesInvalidArgument() {
    targets.forEach(
        (what, target) -> {
          Class<?> type =
              Arrays.stream(
                      new Class<?>[] {
                        HsmClient.class,
                        KeyHandle.class,
                        HsmAdmin.class,
                        AuditLog.class,
                        HsmConfig.class,
                        KeySpec.class,
                        UnlockSecret.class,
                        KeyMaterial.class
                      })
                  .filter(t -> t.isInstance(target))
                  .findFirst()
                  .orElseThrow();
          sweep(what, target, type, false);
        });
    for (Class<?> type :
        List.of(
            HsmClient.class,
            HsmConfig.class,
            KeySpec.class,
            UnlockSecret.class,
            KeyMaterial.class,
            InvalidArgumentException.class)) {
      sweep(type.getSimpleName(), null, type, true);
    }

    assertThat(violations).isEmpty();
    assertThat(calls).as("calls made").isGreaterThan(600);
  }

  @Test
  void pluginFactoriesAndEnums_givenNull_throwInvalidArgument() {
    HsmConfig config = HsmConfig.sqlite(dir.resolve("x.db"));
    for (Runnable call :
        List.<Runnable>of(
            () -> HsmConfig.store((KeyRecordStore.Factory) null),
            () -> config.withStore(null),
            () -> config.custody((KeyCustody.Factory) null),
            () -> config.nativeCrypto(null),
            () -> config.clock(null),
            () -> KeySpec.rsa(null, 2048),
            () -> KeySpec.aes256Gcm().withOperations(Operation.ENCRYPT, (Operation) null))) {
      try {
        call.run();
        violations.add("returned normally");
      } catch (InvalidArgumentException expected) {
        assertThat(expected).hasMessageContaining("must not be null");
      } catch (RuntimeException other) {
        violations.add("threw " + other);
      }
    }
    assertThat(violations).isEmpty();
  }
}
