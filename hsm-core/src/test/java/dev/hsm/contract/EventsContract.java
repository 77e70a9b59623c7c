package dev.hsm.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hsm.AuditEntry;
import dev.hsm.HsmClient;
import dev.hsm.KeyDisabledException;
import dev.hsm.KeySpec;
import dev.hsm.config.HsmAuditEvent;
import dev.hsm.config.HsmDueWarning;
import dev.hsm.config.HsmEvents;
import dev.hsm.observe.KeyOverview;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events both starters publish: every audit entry the client writes, as a framework event and
 * as one JSON line on the {@code dev.hsm.audit} logger, and warnings before a rotation or
 * destruction is due. A starter's test extends this class, starts its framework with a bean that
 * records the {@link HsmAuditEvent}s and {@link HsmDueWarning}s it receives, and hands them over.
 */
public abstract class EventsContract {
  private static final byte[] DATA = "pay 100 to bob".getBytes(UTF_8);

  @TempDir private Path dir;

  private final Map<String, String> properties = new LinkedHashMap<>();

  /** What a running application shows a case. */
  public interface App {
    /** Its client bean. */
    HsmClient hsm();

    /** Its {@link HsmEvents} bean. */
    HsmEvents events();

    /** The events its recording listener received so far, in order. */
    List<Object> received();
  }

  /** Starts the starter's application with {@code properties}, runs {@code body}, stops it. */
  protected abstract void run(Map<String, String> properties, Consumer<App> body);

  @BeforeEach
  void store() throws IOException {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Files.write(dir.resolve("hsm.key"), key);
    properties.put("hsm.store.path", dir.resolve("hsm.db").toString());
    properties.put("hsm.unlock.key-file", dir.resolve("hsm.key").toString());
    properties.put("hsm.keys.receipts.algorithm", "ECDSA_P256_SHA256");
    properties.put("hsm.keys.pii.algorithm", "AES_256_GCM");
  }

  /** What {@code body} printed to standard output and error (where the test loggers write). */
  private static String printed(Runnable body) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(captured, true, UTF_8);
    System.setOut(both);
    System.setErr(both);
    try {
      body.run();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    String text = captured.toString(UTF_8);
    out.print(text);
    return text;
  }

  /** The JSON objects on the printed lines that mention {@code marker}. */
  private static List<Map<String, Object>> jsonLines(String printed, String marker) {
    List<Map<String, Object>> lines = new ArrayList<>();
    for (String line : printed.split("\\R")) {
      int start = line.indexOf('{');
      if (line.contains(marker) && start >= 0) {
        try {
          lines.add(JSONObjectUtils.parse(line.substring(start)));
        } catch (java.text.ParseException e) {
          throw new AssertionError("not one JSON object: " + line, e);
        }
      }
    }
    return lines;
  }

  @Test
  void everyAuditEntry_isAnEvent_andOneJsonLine_withItsChainPosition() {
    List<AuditEntry> stored = new ArrayList<>();
    List<Object> received = new ArrayList<>();
    String printed =
        printed(
            () ->
                run(
                    properties,
                    app -> {
                      HsmClient hsm = app.hsm();
                      long before = hsm.auditLog().verify();
                      hsm.key("pii").rotate();
                      hsm.key("receipts").disable();
                      assertThatThrownBy(() -> hsm.key("receipts").sign(DATA))
                          .isInstanceOf(KeyDisabledException.class);
                      stored.addAll(hsm.auditLog().entries(before + 1, 100));
                      received.addAll(app.received());
                    }));

    assertThat(stored)
        .extracting(AuditEntry::action)
        .containsExactly("key.rotate", "key.disable", "key.sign");
    List<HsmAuditEvent> events =
        received.stream()
            .filter(HsmAuditEvent.class::isInstance)
            .map(HsmAuditEvent.class::cast)
            .toList();
    assertThat(events.stream().map(HsmAuditEvent::entry).toList()).containsAll(stored);
    assertThat(events).allSatisfy(e -> assertThat(e.hash()).matches("[0-9a-f]{64}"));
    HsmAuditEvent refusal = events.get(events.size() - 1);
    assertThat(refusal.entry()).isEqualTo(stored.get(2));

    List<Map<String, Object>> lines = jsonLines(printed, "\"sequence\":");
    assertThat(lines).hasSameSizeAs(events);
    Map<String, Object> last = lines.get(lines.size() - 1);
    assertThat(last.get("sequence")).isEqualTo(refusal.entry().sequence());
    assertThat(last.get("time")).isEqualTo(refusal.entry().at().toString());
    assertThat(last.get("actor")).isEqualTo("app");
    assertThat(last.get("action")).isEqualTo("key.sign");
    assertThat(last.get("key")).isEqualTo("receipts");
    assertThat(last.get("outcome")).isEqualTo("refused");
    assertThat(last.get("detail")).isEqualTo(refusal.entry().detail());
    assertThat(last.get("hash")).isEqualTo(refusal.hash().substring(0, 16));
  }

  @Test
  void dueRotationsAndDestructions_areWarnedOfOncePerLeadTime() {
    properties.put("hsm.events.warn-before", "8d,1h");
    List<List<HsmDueWarning>> checks = new ArrayList<>();
    List<Object> received = new ArrayList<>();
    String printed =
        printed(
            () ->
                run(
                    properties,
                    app -> {
                      HsmClient hsm = app.hsm();
                      hsm.createKey(
                          "weekly", KeySpec.hmacSha256().withRotationPeriod(Duration.ofDays(7)));
                      hsm.key("pii").rotate();
                      hsm.key("pii").disableVersion(1);
                      hsm.admin().scheduleDestruction("pii", 1, Duration.ofDays(30));
                      checks.add(app.events().checkDue());
                      checks.add(app.events().checkDue());
                      received.addAll(app.received());
                    }));

    assertThat(checks.get(0))
        .extracting(w -> w.due().keyName() + " " + w.due().change() + " " + w.before())
        .containsExactly("weekly ROTATION PT192H");
    assertThat(checks.get(1)).isEmpty();
    assertThat(received)
        .filteredOn(HsmDueWarning.class::isInstance)
        .containsExactly(checks.get(0).get(0));
    List<Map<String, Object>> lines = jsonLines(printed, "\"warning\":");
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).get("warning")).isEqualTo("rotation-due");
    assertThat(lines.get(0).get("key")).isEqualTo("weekly");
    assertThat(lines.get(0).get("version")).isEqualTo(1L);
    assertThat(lines.get(0).get("before")).isEqualTo("PT192H");
    KeyOverview.Due due = checks.get(0).get(0).due();
    assertThat(lines.get(0).get("due")).isEqualTo(due.at().toString());
  }

  @Test
  void events_canBeSwitchedOff_andTheLogLinesAlone() {
    properties.put("hsm.events.audit-log", "false");
    List<Object> received = new ArrayList<>();
    String printed =
        printed(
            () ->
                run(
                    properties,
                    app -> {
                      app.hsm().key("pii").rotate();
                      received.addAll(app.received());
                    }));
    assertThat(received).filteredOn(HsmAuditEvent.class::isInstance).isNotEmpty();
    assertThat(jsonLines(printed, "\"sequence\":")).isEmpty();
  }
}
