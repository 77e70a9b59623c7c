package dev.hsm;

/**
 * Argon2id cost parameters for deriving a key from a passphrase. Recorded in each passphrase slot,
 * so a store always opens with the parameters it was created with.
 *
 * @param memoryKib memory in KiB
 * @param iterations passes over memory
 * @param parallelism lanes
 */
public record Argon2Parameters(int memoryKib, int iterations, int parallelism) {
  /** RFC 9106's second recommended option, with one lane: 64 MiB, 3 passes. */
  public static final Argon2Parameters DEFAULT = new Argon2Parameters(64 * 1024, 3, 1);

  /** Checks the values against Argon2's own limits. */
  public Argon2Parameters {
    if (parallelism < 1 || parallelism > 255) {
      throw new IllegalArgumentException("Argon2 parallelism must be 1..255, not " + parallelism);
    }
    if (iterations < 1 || iterations > 100) {
      throw new IllegalArgumentException("Argon2 iterations must be 1..100, not " + iterations);
    }
    if (memoryKib < 8 * parallelism || memoryKib > 4 * 1024 * 1024) {
      throw new IllegalArgumentException(
          "Argon2 memory must be between 8 KiB per lane and 4 GiB, not " + memoryKib + " KiB");
    }
  }
}
