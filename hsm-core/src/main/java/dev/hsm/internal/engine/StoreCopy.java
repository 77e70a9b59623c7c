package dev.hsm.internal.engine;

import dev.hsm.HsmClient;
import dev.hsm.HsmException;
import dev.hsm.StoreException;
import dev.hsm.spi.KeyRecordStore;
import dev.hsm.spi.StoreContents;

/**
 * Copies a whole store into an empty one of any backend ({@code HsmAdmin.copyTo}): the source is
 * checked first (its audit chain, and every key's rows against their MACs and the log), then read
 * as of one moment ({@link KeyRecordStore#snapshot()}) and loaded into the target in one
 * transaction ({@link KeyRecordStore#load}), keys still wrapped. The copy is then opened with the
 * same unlock secret and checked the same way, so a copy that would not open is reported at once.
 */
final class StoreCopy {
  private StoreCopy() {}

  /**
   * @return the number of audit entries the copy verified
   */
  static long copy(Engine engine, KeyRecordStore.Factory target) {
    engine.auditLog().verify();
    engine.listKeys(); // every key's rows checked (MAC, anchored to the log) before any copying
    engine.flushRefusals();
    engine.saveUsage();
    StoreContents contents = engine.store().snapshot();
    try (KeyRecordStore copy = target.open()) {
      copy.load(contents);
    }
    try (HsmClient opened = StoreOpening.open(engine.config().withStore(target))) {
      long entries = opened.auditLog().verify();
      opened.listKeys();
      return entries;
    } catch (HsmException e) {
      throw new StoreException(
          "the copy of "
              + engine.where()
              + " in "
              + target.description()
              + " was written but does not open and verify: "
              + e.getMessage(),
          e);
    }
  }
}
