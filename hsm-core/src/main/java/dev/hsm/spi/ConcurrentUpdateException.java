package dev.hsm.spi;

import dev.hsm.HsmException;

/**
 * A store write found that another writer changed the same rows first (a key's revision, the
 * settings, the unlock slots or the audit log's head moved). Nothing was written; the engine
 * re-reads and retries.
 */
public class ConcurrentUpdateException extends HsmException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public ConcurrentUpdateException(String message) {
    super(message);
  }
}
