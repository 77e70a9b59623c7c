package dev.hsm.micronaut.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hsm.HsmClient;
import dev.hsm.micronaut.TestHsm;
import io.micronaut.context.ApplicationContext;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/** The {@code hsm} health indicator, found among the application's indicators. */
class HsmHealthIndicatorTest {

  private static HealthResult resultOf(ApplicationContext context) throws Exception {
    HealthIndicator indicator =
        context.getBeansOfType(HealthIndicator.class).stream()
            .filter(HsmHealthIndicator.class::isInstance)
            .findFirst()
            .orElseThrow();
    return first(indicator.getResult());
  }

  private static <T> T first(Publisher<T> publisher) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    publisher.subscribe(
        new Subscriber<T>() {
          @Override
          public void onSubscribe(Subscription subscription) {
            subscription.request(1);
          }

          @Override
          public void onNext(T item) {
            result.complete(item);
          }

          @Override
          public void onError(Throwable error) {
            result.completeExceptionally(error);
          }

          @Override
          public void onComplete() {
            result.completeExceptionally(new IllegalStateException("no result"));
          }
        });
    return result.get(10, TimeUnit.SECONDS);
  }

  @Test
  void healthyStore_isUp_withTheKeyCount() throws Exception {
    try (ApplicationContext context =
        ApplicationContext.run(TestHsm.properties(TestHsm.newDirectory()))) {
      HealthResult result = resultOf(context);

      assertThat(result.getName()).isEqualTo("hsm");
      assertThat(result.getStatus()).isEqualTo(HealthStatus.UP);
      @SuppressWarnings("unchecked")
      Map<String, Object> details = (Map<String, Object>) result.getDetails();
      assertThat(details).containsEntry("keys", 3).containsEntry("unlocked", true);
    }
  }

  @Test
  void closedClient_isDown() throws Exception {
    try (ApplicationContext context =
        ApplicationContext.run(TestHsm.properties(TestHsm.newDirectory()))) {
      context.getBean(HsmClient.class).close();

      HealthResult result = resultOf(context);

      assertThat(result.getStatus()).isEqualTo(HealthStatus.DOWN);
      assertThat(result.getDetails().toString()).contains("closed");
    }
  }
}
