package dev.hsm.spring;

import dev.hsm.HsmException;
import dev.hsm.KeyDisabledException;
import dev.hsm.KeyVersionDestroyedException;
import dev.hsm.OperationNotPermittedException;
import dev.hsm.VerificationFailedException;
import dev.hsm.VersionBelowMinimumException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * HTTP answers for the HSM's exceptions in Spring MVC controllers, as RFC 9457 problem details: a
 * signature, MAC tag or JWS that does not verify (a bad JWS at a {@code @Signed} parameter) is the
 * client's error, <b>400</b>; an operation the key's policy or state refuses is <b>403</b>. Other
 * HSM exceptions are left to the application's handling (by default 500), and so is {@code
 * InvalidCiphertextException}: a ciphertext that does not decrypt is most often stored data that
 * was altered (an {@code @Encrypted} entity field), a server-side integrity failure, not a bad
 * request. The bodies say what kind of failure it was, never which key or version (those go to the
 * log at debug level): a caller learns nothing about the store from a rejected request.
 *
 * <p>Overridable: an {@code @ExceptionHandler} in the controller, or any
 * {@code @RestControllerAdvice} ordered before this one (it has the lowest precedence), wins; a
 * bean of this type replaces it; {@code hsm.web.error-responses=false} turns it off.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class HsmErrorResponses {
  private static final Log LOG = LogFactory.getLog(HsmErrorResponses.class);

  /** A signature, MAC tag or JWS in the request does not verify: 400. */
  @ExceptionHandler(VerificationFailedException.class)
  public ProblemDetail invalidInput(HsmException e) {
    LOG.debug("answered 400", e);
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.BAD_REQUEST, "The signed input does not verify.");
    problem.setTitle("Invalid signed input");
    return problem;
  }

  /** The key's policy or state refuses the operation: 403. */
  @ExceptionHandler({
    OperationNotPermittedException.class,
    KeyDisabledException.class,
    KeyVersionDestroyedException.class,
    VersionBelowMinimumException.class
  })
  public ProblemDetail refused(HsmException e) {
    LOG.debug("answered 403", e);
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.FORBIDDEN, "The key's policy or state does not allow this operation.");
    problem.setTitle("Key operation refused");
    return problem;
  }
}
