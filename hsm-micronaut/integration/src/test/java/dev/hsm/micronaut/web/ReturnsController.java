package dev.hsm.micronaut.web;

import dev.hsm.VerificationFailedException;
import dev.hsm.annotation.Signed;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Post;

/** Returns arrive as JWS signed with the {@code receipts} key; this controller answers bad ones. */
@Controller
public class ReturnsController {

  /** The return's payload, once its JWS verified. */
  @Post(uri = "/returns", consumes = MediaType.TEXT_PLAIN, produces = MediaType.TEXT_PLAIN)
  public String accept(@Body @Signed(key = "receipts") String order) {
    return "returned " + order;
  }

  /** This controller's own answer to a bad signature: wins over the module's. */
  @Error(exception = VerificationFailedException.class)
  public HttpResponse<String> teapot() {
    return HttpResponse.<String>status(HttpStatus.I_AM_A_TEAPOT).body("no");
  }
}
