package dev.hsm.wycheproof;

import dev.hsm.KeySpec;
import dev.hsm.wycheproof.Wycheproof.Vector;
import java.util.List;
import java.util.Map;

/** Ed25519 (pure) signature verification. */
class Ed25519WycheproofTest extends WycheproofSuite {
  static final List<String> FILES = List.of("ed25519_test.json");

  @Override
  List<String> files() {
    return FILES;
  }

  @Override
  Plan plan(Vector v) {
    return Plan.RUN;
  }

  @Override
  void run(Vector v) {
    verifySignature(v, KeySpec.ed25519());
  }

  @Override
  Map<String, Integer> expectedCounts() {
    return Map.of("run valid", 88, "run invalid", 63);
  }
}
