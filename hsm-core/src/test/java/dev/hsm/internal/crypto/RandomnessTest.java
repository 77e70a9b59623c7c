package dev.hsm.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Nonces drawn in per-thread batches are still fresh every time, across batch boundaries. */
class RandomnessTest {

  @Test
  void noncesNeverRepeatAcrossManyBatches() {
    Set<ByteBuffer> seen = new HashSet<>();
    for (int i = 0; i < 20_000; i++) { // about 235 batches of 1 KiB
      byte[] nonce = new byte[12];
      Randomness.nonce(nonce, 0, 12);
      assertThat(seen.add(ByteBuffer.wrap(nonce))).as("nonce %d is new", i).isTrue();
    }
  }

  @Test
  void nonceFillsOnlyItsRangeAndOddSizesStraddleBatches() {
    byte[] out = new byte[40];
    for (int i = 0; i < 300; i++) { // 7-byte nonces do not divide 1024: some straddle a refill
      java.util.Arrays.fill(out, (byte) 0x5a);
      Randomness.nonce(out, 10, 7);
      for (int j = 0; j < out.length; j++) {
        if (j < 10 || j >= 17) {
          assertThat(out[j]).as("byte %d outside the nonce", j).isEqualTo((byte) 0x5a);
        }
      }
    }
  }

  @Test
  void nonceLongerThanABatchComesStraightFromTheGenerator() {
    byte[] a = new byte[3000];
    byte[] b = new byte[3000];
    Randomness.nonce(a, 0, a.length);
    Randomness.nonce(b, 0, b.length);
    assertThat(a).isNotEqualTo(b).isNotEqualTo(new byte[3000]);
  }

  @Test
  void afterACheckpointRestore_noPreDrawnNonceIsHandedOut() {
    byte[] first = new byte[12];
    Randomness.nonce(first, 0, 12);
    byte[] wouldComeNext = java.util.Arrays.copyOf(Randomness.prefetched(), 12);

    Randomness.discardAfterRestore(); // what the CRaC hook does on afterRestore

    byte[] afterRestore = new byte[12];
    Randomness.nonce(afterRestore, 0, 12);
    assertThat(afterRestore).isNotEqualTo(wouldComeNext);
    assertThat(Randomness.prefetched()).hasSize(1024 - 12); // a fresh batch was drawn
  }
}
