package dev.hsm.pkcs11.internal;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.NativeLongByReference;
import dev.hsm.HsmException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the slot of the token with a given label by asking the PKCS#11 library itself
 * (C_GetSlotList, C_GetTokenInfo): SunPKCS11 selects a slot only by id or index, and token labels
 * are what administrators name tokens by (slot ids change when a token is made again).
 *
 * <p>The library is initialised here with {@code CKF_OS_LOCKING_OK}, as SunPKCS11 initialises it
 * (which then finds it initialised, and goes on); it is never finalised, since SunPKCS11 uses it.
 */
final class TokenLabels {
  private static final long CKR_OK = 0;
  private static final long CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;
  private static final long CKF_OS_LOCKING_OK = 0x2;
  private static final int LABEL_BYTES = 32;
  private static final int TOKEN_INFO_BYTES = 1024; // CK_TOKEN_INFO is about 210 bytes

  private TokenLabels() {}

  /** The C functions used, as the library exports them. */
  public interface Cryptoki extends Library {
    NativeLong C_Initialize(Pointer initArgs);

    NativeLong C_GetSlotList(byte tokenPresent, NativeLong[] slots, NativeLongByReference count);

    NativeLong C_GetTokenInfo(NativeLong slot, Pointer info);
  }

  /**
   * The id of the slot whose token is labelled {@code label}.
   *
   * @throws HsmException if the library cannot be loaded, or no token or more than one has that
   *     label (the message lists the labels there are)
   */
  static synchronized long slotOf(String library, String label) {
    Cryptoki p11;
    try {
      p11 = Native.load(library, Cryptoki.class);
    } catch (UnsatisfiedLinkError e) {
      throw new HsmException(
          "cannot load the PKCS#11 library " + library + ": " + e.getMessage(), e);
    }
    Memory args = new Memory(6L * Native.POINTER_SIZE); // four mutex callbacks, flags, reserved
    args.clear();
    args.setNativeLong(4L * Native.POINTER_SIZE, new NativeLong(CKF_OS_LOCKING_OK));
    long rv = p11.C_Initialize(args).longValue();
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      throw failed(library, "C_Initialize", rv);
    }
    NativeLongByReference count = new NativeLongByReference();
    check(library, "C_GetSlotList", p11.C_GetSlotList((byte) 1, null, count));
    NativeLong[] slots = new NativeLong[count.getValue().intValue()];
    if (slots.length > 0) {
      check(library, "C_GetSlotList", p11.C_GetSlotList((byte) 1, slots, count));
    }
    List<Long> matching = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < count.getValue().intValue(); i++) {
      Memory info = new Memory(TOKEN_INFO_BYTES);
      info.clear();
      if (p11.C_GetTokenInfo(slots[i], info).longValue() != CKR_OK) {
        continue; // removed meanwhile, or not ready: not the one
      }
      String found = blankPadded(info.getByteArray(0, LABEL_BYTES));
      labels.add(found);
      if (found.equals(label)) {
        matching.add(slots[i].longValue());
      }
    }
    if (matching.size() != 1) {
      throw new HsmException(
          (matching.isEmpty() ? "no token" : matching.size() + " tokens")
              + " labelled '"
              + label
              + "' in "
              + library
              + " (its tokens: "
              + labels
              + ")");
    }
    return matching.get(0);
  }

  /** A CK_UTF8CHAR[32] label: UTF-8, padded with blanks. */
  private static String blankPadded(byte[] bytes) {
    int end = bytes.length;
    while (end > 0 && (bytes[end - 1] == ' ' || bytes[end - 1] == 0)) {
      end--;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  private static void check(String library, String function, NativeLong rv) {
    if (rv.longValue() != CKR_OK) {
      throw failed(library, function, rv.longValue());
    }
  }

  private static HsmException failed(String library, String function, long rv) {
    return new HsmException(function + " of " + library + " failed: CKR 0x" + Long.toHexString(rv));
  }
}
