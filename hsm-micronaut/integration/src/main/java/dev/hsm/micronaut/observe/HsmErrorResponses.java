package dev.hsm.micronaut.observe;

import dev.hsm.HsmException;
import dev.hsm.VerificationFailedException;
import dev.hsm.observe.Outcome;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP answers for the HSM's exceptions in controllers, through Micronaut's error response
 * processor: input that does not verify or decrypt (a bad JWS at a {@code @Signed} parameter, a bad
 * envelope) is the client's error, <b>400</b>; an operation the key's policy or state refuses is
 * <b>403</b>; any other HSM exception is <b>500</b>. The same statuses as the Spring Boot starter.
 * The bodies say what kind of failure it was, never which key or version (those go to the log at
 * debug level).
 *
 * <p>Overridable: a controller's own {@code @Error} method, or an {@code ExceptionHandler} of a
 * more specific exception type, wins; {@code @Replaces(HsmErrorResponses.class)} replaces it;
 * {@code hsm.web.error-responses=false} turns it off.
 */
@Produces
@Singleton
@Requires(classes = ExceptionHandler.class)
@Requires(property = "hsm.web.error-responses", notEquals = StringUtils.FALSE)
public class HsmErrorResponses implements ExceptionHandler<HsmException, HttpResponse<?>> {
  private static final Logger LOG = LoggerFactory.getLogger(HsmErrorResponses.class);

  private final ErrorResponseProcessor<?> errors;

  /** Created by Micronaut. */
  public HsmErrorResponses(ErrorResponseProcessor<?> errors) {
    this.errors = errors;
  }

  @Override
  public HttpResponse<?> handle(HttpRequest request, HsmException exception) {
    Outcome outcome = Outcome.of(exception);
    HttpStatus status;
    String message;
    if (exception instanceof VerificationFailedException) {
      status = HttpStatus.BAD_REQUEST;
      message = "The signed input does not verify.";
    } else if (outcome.isRefusal()) {
      status = HttpStatus.FORBIDDEN;
      message = "The key's policy or state does not allow this operation.";
    } else {
      status = HttpStatus.INTERNAL_SERVER_ERROR;
      message = "Internal Server Error";
    }
    LOG.debug("answered {}", status.getCode(), exception);
    return errors.processResponse(
        ErrorContext.builder(request).cause(exception).errorMessage(message).build(),
        HttpResponse.status(status));
  }
}
