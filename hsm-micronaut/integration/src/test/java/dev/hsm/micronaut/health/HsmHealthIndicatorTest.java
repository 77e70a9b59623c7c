package dev.hsm.micronaut.health;

import dev.hsm.HsmClient;
import dev.hsm.contract.HealthIndicatorContract;
import dev.hsm.micronaut.TestHsm;
import io.micronaut.context.ApplicationContext;
import io.micronaut.management.health.indicator.HealthResult;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/** hsm-core's health indicator cases, run against the Micronaut indicator. */
class HsmHealthIndicatorTest extends HealthIndicatorContract {

  @Override
  protected String switchProperty() {
    return "endpoints.health.hsm.enabled";
  }

  @Override
  protected Optional<Report> check(
      Map<String, String> properties, Consumer<HsmClient> beforeCheck) {
    Map<String, Object> all = TestHsm.declaredKeys(); // the test beans need them
    all.putAll(properties);
    try (ApplicationContext context = ApplicationContext.run(all)) {
      beforeCheck.accept(context.getBean(HsmClient.class));
      return context
          .findBean(HsmHealthIndicator.class)
          .map(indicator -> report(first(indicator.getResult())));
    }
  }

  @SuppressWarnings("unchecked")
  private static Report report(HealthResult result) {
    return new Report(
        result.getStatus().getName(), new HashMap<>((Map<String, Object>) result.getDetails()));
  }

  private static <T> T first(Publisher<T> publisher) {
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
    try {
      return result.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("no health result", e);
    }
  }
}
