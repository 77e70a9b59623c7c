package dev.hsm.pkcs11;

import dev.hsm.Algorithm;
import dev.hsm.InvalidArgumentException;
import dev.hsm.PinSource;
import dev.hsm.pkcs11.internal.Pkcs11Custody;
import dev.hsm.pkcs11.internal.SlotSelection;
import dev.hsm.spi.KeyCustody;
import java.nio.file.Path;
import java.util.Set;

/**
 * Key custody in a PKCS#11 token (a hardware HSM, a cloud HSM's PKCS#11 library, SoftHSM2): key
 * material is generated in the token as sensitive, non-extractable token objects, never leaves it,
 * and every operation runs there, through the JDK's SunPKCS11 (configured here, never installed as
 * a global provider). The store keeps names, versions, states and the audit log as always, and for
 * each version only a reference to its token object.
 *
 * <pre>{@code
 * HsmConfig.sqlite(Path.of("app-hsm.db"))
 *     .keyFile(Path.of("/run/secrets/hsm.key"))
 *     .custody(Pkcs11.custody(Path.of("/usr/lib/softhsm/libsofthsm2.so"), slotId,
 *         PinSource.fromEnv("HSM_PKCS11_PIN")))
 * }</pre>
 *
 * <p>The token is logged in to when the first client opens it, once per JVM and token; the PIN is
 * read from its source then (and again if the token must be read anew) and wiped after. Algorithms
 * the token cannot run fail when a key is created, with {@link UnsupportedByTokenException} naming
 * the mechanism.
 */
public final class Pkcs11 {
  private Pkcs11() {}

  /**
   * Custody in the token in slot {@code slotId} of {@code library} (the id {@code pkcs11-tool -L}
   * or {@code softhsm2-util --show-slots} prints).
   */
  public static KeyCustody.Factory custody(Path library, long slotId, PinSource pin) {
    InvalidArgumentException.requireNonNull(library, "library");
    InvalidArgumentException.requireNonNull(pin, "pin");
    if (slotId < 0) {
      throw new InvalidArgumentException("a PKCS#11 slot id is not negative, not " + slotId);
    }
    return Pkcs11Custody.factory(library.toString(), SlotSelection.id(slotId), pin, Set.of());
  }

  /**
   * {@link #custody(Path, long, PinSource)}, with the keys of {@code inSoftware} held by software
   * custody instead of the token: wrapped in the store under its master key and used in this JVM,
   * as without a token. For algorithms the token cannot hold (AES-GCM-SIV for searchable fields,
   * Ed25519 on JDK 17, the post-quantum ones) when the application needs them anyway; every other
   * key stays in the token. An explicit choice: those keys get software custody's protection, not
   * the token's.
   */
  public static KeyCustody.Factory custody(
      Path library, long slotId, PinSource pin, Set<Algorithm> inSoftware) {
    InvalidArgumentException.requireNonNull(library, "library");
    InvalidArgumentException.requireNonNull(pin, "pin");
    InvalidArgumentException.requireNonNull(inSoftware, "inSoftware");
    if (slotId < 0) {
      throw new InvalidArgumentException("a PKCS#11 slot id is not negative, not " + slotId);
    }
    return Pkcs11Custody.factory(library.toString(), SlotSelection.id(slotId), pin, inSoftware);
  }

  /**
   * Custody in the token labelled {@code tokenLabel} in {@code library} (its CKA_LABEL, as {@code
   * pkcs11-tool -L} or {@code softhsm2-util --show-slots} print it): looked up in the library when
   * the custody is first opened, so it survives slot ids that change. Exactly one token must have
   * the label.
   */
  public static KeyCustody.Factory custody(Path library, String tokenLabel, PinSource pin) {
    return custody(library, tokenLabel, pin, Set.of());
  }

  /**
   * {@link #custody(Path, String, PinSource)}, with the keys of {@code inSoftware} held by software
   * custody instead of the token, as {@link #custody(Path, long, PinSource, Set)} explains.
   */
  public static KeyCustody.Factory custody(
      Path library, String tokenLabel, PinSource pin, Set<Algorithm> inSoftware) {
    InvalidArgumentException.requireNonNull(library, "library");
    InvalidArgumentException.requireNonNull(tokenLabel, "tokenLabel");
    InvalidArgumentException.requireNonNull(pin, "pin");
    InvalidArgumentException.requireNonNull(inSoftware, "inSoftware");
    if (tokenLabel.isEmpty() || tokenLabel.length() > 32) {
      throw new InvalidArgumentException(
          "a token label is 1 to 32 characters, not '" + tokenLabel + "'");
    }
    return Pkcs11Custody.factory(
        library.toString(), SlotSelection.label(tokenLabel), pin, inSoftware);
  }

  /**
   * Custody in the {@code index}-th slot (from 0) of {@code library} that holds a token: for
   * libraries with a single token, index 0.
   */
  public static KeyCustody.Factory custodyAtSlotIndex(Path library, int index, PinSource pin) {
    InvalidArgumentException.requireNonNull(library, "library");
    InvalidArgumentException.requireNonNull(pin, "pin");
    if (index < 0) {
      throw new InvalidArgumentException("a slot list index is not negative, not " + index);
    }
    return Pkcs11Custody.factory(library.toString(), SlotSelection.index(index), pin, Set.of());
  }
}
