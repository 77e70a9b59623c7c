package dev.hsm.wycheproof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads Wycheproof vector files from the classpath ({@code src/test/resources/wycheproof/}, see its
 * README) and checks an operation's outcome against a vector's {@code result}.
 */
final class Wycheproof {
  /** Where the vector files are on the classpath. */
  static final String RESOURCES = "/wycheproof/";

  static final byte CIPHERTEXT = 0x01;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, JsonNode> PARSED = new ConcurrentHashMap<>();
  private static final HexFormat HEX = HexFormat.of();

  private Wycheproof() {}

  /** One test case with its group; {@code toString} is {@code file:tcId (comment)}. */
  record Vector(String file, JsonNode group, JsonNode test) {
    int tcId() {
      return test.get("tcId").asInt();
    }

    /** {@code valid}, {@code invalid} or {@code acceptable}. */
    String result() {
      return test.get("result").asText();
    }

    boolean isValid() {
      return result().equals("valid");
    }

    /** Whether the test case has {@code field}. */
    boolean has(String field) {
      return test.hasNonNull(field);
    }

    /** Whether the group has {@code field}. */
    boolean groupHas(String field) {
      return group.hasNonNull(field);
    }

    /** Whether the test case carries {@code flag}. */
    boolean flagged(String flag) {
      for (JsonNode f : test.path("flags")) {
        if (f.asText().equals(flag)) {
          return true;
        }
      }
      return false;
    }

    /** A hex field of the test case, or an empty array if it has none. */
    byte[] bytesOrEmpty(String field) {
      return has(field) ? bytes(field) : new byte[0];
    }

    /** A hex field of the test case. */
    byte[] bytes(String field) {
      return hex(test, field);
    }

    /** A hex field of the group. */
    byte[] groupBytes(String field) {
      return hex(group, field);
    }

    int groupInt(String field) {
      return required(group, field).asInt();
    }

    String groupText(String field) {
      return required(group, field).asText();
    }

    private byte[] hex(JsonNode node, String field) {
      return HEX.parseHex(required(node, field).asText());
    }

    private JsonNode required(JsonNode node, String field) {
      JsonNode value = node.get(field);
      if (value == null) {
        throw new IllegalArgumentException(this + " has no field " + field);
      }
      return value;
    }

    @Override
    public String toString() {
      String comment = test.path("comment").asText("");
      return file
          + ":"
          + tcId()
          + (comment.isEmpty() || comment.length() > 60 ? "" : " (" + comment + ")");
    }
  }

  /** A parsed vector file; throws if it is not on the classpath. */
  static JsonNode file(String name) {
    return PARSED.computeIfAbsent(name, Wycheproof::read);
  }

  private static JsonNode read(String name) {
    try (InputStream in = Wycheproof.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCES + name + " is not on the test classpath");
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }

  /** Every test case of {@code files}, in file order. */
  static List<Vector> vectors(List<String> files) {
    List<Vector> out = new ArrayList<>();
    for (String name : files) {
      for (JsonNode group : file(name).get("testGroups")) {
        for (JsonNode test : group.get("tests")) {
          out.add(new Vector(name, group, test));
        }
      }
    }
    return out;
  }

  /** An envelope as {@code KeyHandle} produces it: format byte, key version 1, then the parts. */
  static byte[] envelope(byte format, byte[]... parts) {
    int length = 5 + Arrays.stream(parts).mapToInt(part -> part.length).sum();
    byte[] out = new byte[length];
    out[0] = format;
    out[4] = 1;
    int at = 5;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  /**
   * Runs {@code operation} and checks the outcome against {@code v}'s result. Valid: it must
   * return, with {@code expected} if that is not null. Invalid: it must throw one of {@code
   * rejections}. Acceptable: either, and if it returns, then {@code expected}. Any other exception
   * is a bug, whatever the result.
   */
  @SafeVarargs
  static void expect(
      Vector v,
      Callable<byte[]> operation,
      byte[] expected,
      Class<? extends Exception>... rejections) {
    byte[] output;
    try {
      output = operation.call();
    } catch (Exception e) {
      if (Arrays.stream(rejections).noneMatch(type -> type.isInstance(e))) {
        fail(v + " (" + v.result() + ") threw " + e + ", not a clean rejection", e);
      }
      if (v.isValid()) {
        fail(v + " is valid but was rejected: " + e, e);
      }
      return;
    }
    assertThat(v.result()).as("%s is invalid but was accepted", v).isNotEqualTo("invalid");
    if (expected != null) {
      assertThat(output).as("%s output", v).isEqualTo(expected);
    }
  }
}
