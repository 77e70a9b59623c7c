package dev.hsm.micronaut.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.config.HsmAuditEvent;
import dev.hsm.config.HsmDueWarning;
import dev.hsm.config.HsmEvents;
import dev.hsm.contract.EventsContract;
import dev.hsm.micronaut.TestHsm;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.event.ApplicationEventListener;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** hsm-core's event cases, run against the Micronaut module, and switching events off. */
class MicronautEventsTest extends EventsContract {

  /** Where this context's two listeners put what they receive. */
  @Singleton
  static class Received {
    final List<Object> events = new CopyOnWriteArrayList<>();
  }

  @Singleton
  static class AuditListener implements ApplicationEventListener<HsmAuditEvent> {
    private final Received received;

    AuditListener(Received received) {
      this.received = received;
    }

    @Override
    public void onApplicationEvent(HsmAuditEvent event) {
      received.events.add(event);
    }
  }

  @Singleton
  static class WarningListener implements ApplicationEventListener<HsmDueWarning> {
    private final Received received;

    WarningListener(Received received) {
      this.received = received;
    }

    @Override
    public void onApplicationEvent(HsmDueWarning event) {
      received.events.add(event);
    }
  }

  @Override
  protected void run(Map<String, String> properties, Consumer<App> body) {
    Map<String, Object> all = TestHsm.declaredKeys(); // the test beans need them
    all.putAll(properties);
    try (ApplicationContext context = ApplicationContext.run(all)) {
      body.accept(
          new App() {
            @Override
            public HsmClient hsm() {
              return context.getBean(HsmClient.class);
            }

            @Override
            public HsmEvents events() {
              return context.getBean(HsmEvents.class);
            }

            @Override
            public List<Object> received() {
              return context.getBean(Received.class).events;
            }
          });
    }
  }

  @Test
  void events_areOff_withHsmEventsEnabledFalse() {
    Map<String, Object> properties = new HashMap<>(TestHsm.properties(TestHsm.newDirectory()));
    properties.put("hsm.events.enabled", "false");
    try (ApplicationContext context = ApplicationContext.run(properties)) {
      assertThat(context.findBean(HsmEvents.class)).isEmpty();
      context.getBean(HsmClient.class).key("pii").rotate();
      assertThat(context.getBean(Received.class).events).isEmpty();
    }
  }
}
