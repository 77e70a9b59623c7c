package dev.hsm.spring.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.config.HsmAuditEvent;
import dev.hsm.config.HsmDueWarning;
import dev.hsm.config.HsmEvents;
import dev.hsm.contract.EventsContract;
import dev.hsm.spring.HsmAutoConfiguration;
import dev.hsm.spring.HsmEventsAutoConfiguration;
import dev.hsm.spring.TestStores;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;

/** hsm-core's event cases (the same as the Micronaut module's), and switching events off. */
class SpringEventsTest extends EventsContract {
  @TempDir Path dir;

  /** Records the HSM's events, from the first (the declared keys' creation) on. */
  static final class Recorder implements ApplicationListener<ApplicationEvent> {
    final List<Object> received = new CopyOnWriteArrayList<>();

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
      if (event instanceof PayloadApplicationEvent<?> payload
          && (payload.getPayload() instanceof HsmAuditEvent
              || payload.getPayload() instanceof HsmDueWarning)) {
        received.add(payload.getPayload());
      }
    }
  }

  private static ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(HsmAutoConfiguration.class, HsmEventsAutoConfiguration.class))
        .withBean(Recorder.class, Recorder::new);
  }

  @Override
  protected void run(Map<String, String> properties, Consumer<App> body) {
    runner()
        .withPropertyValues(
            properties.entrySet().stream()
                .map(property -> property.getKey() + "=" + property.getValue())
                .toArray(String[]::new))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
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
                      return context.getBean(Recorder.class).received;
                    }
                  });
            });
  }

  @Test
  void events_areOff_withHsmEventsEnabledFalse() {
    runner()
        .withPropertyValues(TestStores.storeIn(dir))
        .withPropertyValues("hsm.events.enabled=false", "hsm.keys.pii.algorithm=AES_256_GCM")
        .run(
            context -> {
              assertThat(context).hasNotFailed().doesNotHaveBean(HsmEvents.class);
              context.getBean(HsmClient.class).key("pii").rotate();
              assertThat(context.getBean(Recorder.class).received).isEmpty();
            });
  }
}
