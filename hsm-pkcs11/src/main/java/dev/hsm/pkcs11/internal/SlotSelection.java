package dev.hsm.pkcs11.internal;

/**
 * Which slot of a PKCS#11 library holds the token: by slot id (SunPKCS11's {@code slot}) or by
 * index in the list of slots with a token ({@code slotListIndex}).
 */
public record SlotSelection(long slotId, int listIndex) {

  /**
   * The slot with this id (as {@code pkcs11-tool -L} or {@code softhsm2-util --show-slots} print).
   */
  public static SlotSelection id(long slotId) {
    return new SlotSelection(slotId, -1);
  }

  /** The {@code index}-th slot that holds a token, from 0. */
  public static SlotSelection index(int index) {
    return new SlotSelection(-1, index);
  }

  String configLine() {
    return listIndex >= 0 ? "slotListIndex = " + listIndex : "slot = " + slotId;
  }

  @Override
  public String toString() {
    return listIndex >= 0 ? "slot list index " + listIndex : "slot " + slotId;
  }
}
