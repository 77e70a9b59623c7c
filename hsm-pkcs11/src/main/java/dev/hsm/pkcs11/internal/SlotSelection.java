package dev.hsm.pkcs11.internal;

/**
 * Which slot of a PKCS#11 library holds the token: by slot id (SunPKCS11's {@code slot}), by index
 * in the list of slots with a token ({@code slotListIndex}), or by the token's label (looked up in
 * the library, then used as a slot id).
 */
public record SlotSelection(long slotId, int listIndex, String tokenLabel) {

  /**
   * The slot with this id (as {@code pkcs11-tool -L} or {@code softhsm2-util --show-slots} print).
   */
  public static SlotSelection id(long slotId) {
    return new SlotSelection(slotId, -1, null);
  }

  /** The {@code index}-th slot that holds a token, from 0. */
  public static SlotSelection index(int index) {
    return new SlotSelection(-1, index, null);
  }

  /** The slot whose token has this label. */
  public static SlotSelection label(String tokenLabel) {
    return new SlotSelection(-1, -1, tokenLabel);
  }

  /** This selection with a token label turned into the slot id the library gives it now. */
  SlotSelection resolved(String library) {
    return tokenLabel == null ? this : id(TokenLabels.slotOf(library, tokenLabel));
  }

  String configLine() {
    return listIndex >= 0 ? "slotListIndex = " + listIndex : "slot = " + slotId;
  }

  @Override
  public String toString() {
    if (tokenLabel != null) {
      return "token '" + tokenLabel + "'";
    }
    return listIndex >= 0 ? "slot list index " + listIndex : "slot " + slotId;
  }
}
