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

  /** The most memory a store may ask for: 1 GiB, in KiB. */
  public static final int MAX_MEMORY_KIB = 1024 * 1024;

  /** The most passes a store may ask for. */
  public static final int MAX_ITERATIONS = 10;

  /** The most lanes a store may ask for. */
  public static final int MAX_PARALLELISM = 16;

  /**
   * Checks the values: Argon2's own lower limits, and upper limits well above any recommended cost
   * (RFC 9106 recommends 64 MiB to 2 GiB with 1 to 3 passes) but low enough that a slot edited in
   * the store file cannot make opening it allocate gigabytes or run for minutes: the same limits
   * apply when a slot's recorded parameters are read.
   */
  public Argon2Parameters {
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      throw new InvalidArgumentException(
          "Argon2 parallelism must be 1.." + MAX_PARALLELISM + ", not " + parallelism);
    }
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new InvalidArgumentException(
          "Argon2 iterations must be 1.." + MAX_ITERATIONS + ", not " + iterations);
    }
    if (memoryKib < 8 * parallelism || memoryKib > MAX_MEMORY_KIB) {
      throw new InvalidArgumentException(
          "Argon2 memory must be between 8 KiB per lane and 1 GiB, not " + memoryKib + " KiB");
    }
  }
}
