package dev.hsm.config;

import dev.hsm.Algorithm;
import dev.hsm.HsmConfig;
import dev.hsm.PinSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code hsm.pkcs11.*}: key custody in a PKCS#11 token (a hardware or cloud HSM, SoftHSM2) instead
 * of the store, which then keeps only references (needs the module {@code dev.hsm:hsm-pkcs11}).
 * Unset, keys are kept wrapped in the store. Set, {@code library}, exactly one of {@code
 * token-label} and {@code slot}, and exactly one of {@code pin-env} and {@code pin-file} are
 * required; the store keeps its own {@code hsm.unlock.*} secret.
 *
 * <pre>
 * hsm.pkcs11.library=/usr/lib/softhsm/libsofthsm2.so
 * hsm.pkcs11.token-label=app              # or hsm.pkcs11.slot=1234567890 (pkcs11-tool -L)
 * hsm.pkcs11.pin-env=HSM_PKCS11_PIN       # or hsm.pkcs11.pin-file=/run/secrets/pkcs11-pin
 * </pre>
 */
public class Pkcs11Properties {
  /** The token's PKCS#11 library (a .so, .dylib or .dll). */
  private String library;

  /** The id of the token's slot. */
  private Long slot;

  /** The token's label (instead of {@code slot}). */
  private String tokenLabel;

  /** The name of an environment variable holding the token's user PIN. */
  private String pinEnv;

  /** A file holding the token's user PIN, readable only by the application. */
  private String pinFile;

  /**
   * Algorithms whose keys software custody holds instead of the token (wrapped in the store): for
   * what the token cannot hold, such as AES_256_GCM_SIV for searchable fields.
   */
  private List<Algorithm> softwareAlgorithms = new ArrayList<>();

  /** {@code hsm.pkcs11.library}: the token's PKCS#11 library. */
  public String getLibrary() {
    return library;
  }

  /** Sets {@code hsm.pkcs11.library}. */
  public void setLibrary(String library) {
    this.library = library;
  }

  /** {@code hsm.pkcs11.slot}: the id of the token's slot. */
  public Long getSlot() {
    return slot;
  }

  /** Sets {@code hsm.pkcs11.slot}. */
  public void setSlot(Long slot) {
    this.slot = slot;
  }

  /** {@code hsm.pkcs11.token-label}: the token's label, instead of {@code slot}. */
  public String getTokenLabel() {
    return tokenLabel;
  }

  /** Sets {@code hsm.pkcs11.token-label}. */
  public void setTokenLabel(String tokenLabel) {
    this.tokenLabel = tokenLabel;
  }

  /** {@code hsm.pkcs11.pin-env}: the environment variable holding the user PIN. */
  public String getPinEnv() {
    return pinEnv;
  }

  /** Sets {@code hsm.pkcs11.pin-env}. */
  public void setPinEnv(String pinEnv) {
    this.pinEnv = pinEnv;
  }

  /** {@code hsm.pkcs11.pin-file}: a file holding the user PIN. */
  public String getPinFile() {
    return pinFile;
  }

  /** Sets {@code hsm.pkcs11.pin-file}. */
  public void setPinFile(String pinFile) {
    this.pinFile = pinFile;
  }

  /**
   * {@code hsm.pkcs11.software-algorithms}: the algorithms whose keys stay in software custody
   * (default none).
   */
  public List<Algorithm> getSoftwareAlgorithms() {
    return softwareAlgorithms;
  }

  /** Sets {@code hsm.pkcs11.software-algorithms}. */
  public void setSoftwareAlgorithms(List<Algorithm> softwareAlgorithms) {
    this.softwareAlgorithms = softwareAlgorithms == null ? new ArrayList<>() : softwareAlgorithms;
  }

  /** {@code config} with PKCS#11 custody if any {@code hsm.pkcs11.*} is set, else as it is. */
  HsmConfig applyTo(HsmConfig config) {
    if (library == null
        && slot == null
        && tokenLabel == null
        && pinEnv == null
        && pinFile == null
        && softwareAlgorithms.isEmpty()) {
      return config;
    }
    if (library == null) {
      throw new InvalidHsmPropertyException(
          "hsm.pkcs11.library",
          "hsm.pkcs11.library is required with the other hsm.pkcs11 properties: the path of the"
              + " token's PKCS#11 library");
    }
    if ((slot == null) == (tokenLabel == null)) {
      throw new InvalidHsmPropertyException(
          "hsm.pkcs11.slot",
          (slot == null ? "no token" : "two ways to the token")
              + "; set exactly one of hsm.pkcs11.token-label (the token's label) or"
              + " hsm.pkcs11.slot (the id of its slot; pkcs11-tool -L prints both)");
    }
    if ((pinEnv == null) == (pinFile == null)) {
      throw new InvalidHsmPropertyException(
          "hsm.pkcs11.pin-env",
          (pinEnv == null ? "no PIN for the PKCS#11 token" : "two PINs for the PKCS#11 token")
              + "; set exactly one of hsm.pkcs11.pin-env (the name of an environment variable"
              + " holding it) or hsm.pkcs11.pin-file");
    }
    PinSource pin =
        CommonHsmProperties.checked(
            pinEnv != null ? "hsm.pkcs11.pin-env" : "hsm.pkcs11.pin-file",
            () ->
                pinEnv != null ? PinSource.fromEnv(pinEnv) : PinSource.fromFile(Path.of(pinFile)));
    Set<Algorithm> inSoftware =
        softwareAlgorithms.isEmpty() ? Set.of() : EnumSet.copyOf(softwareAlgorithms);
    return CommonHsmProperties.checked(
        "hsm.pkcs11.library",
        () ->
            tokenLabel != null
                ? config.pkcs11(Path.of(library), tokenLabel, pin, inSoftware)
                : config.pkcs11(Path.of(library), slot, pin, inSoftware));
  }

  @Override
  public String toString() {
    return "Pkcs11[library="
        + library
        + ", slot="
        + slot
        + ", tokenLabel="
        + tokenLabel
        + ", pinEnv="
        + pinEnv
        + ", pinFile="
        + pinFile
        + ", softwareAlgorithms="
        + softwareAlgorithms
        + "]";
  }
}
