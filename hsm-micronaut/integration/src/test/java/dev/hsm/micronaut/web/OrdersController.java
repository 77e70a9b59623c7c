package dev.hsm.micronaut.web;

import dev.hsm.annotation.Signed;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;

/** Orders arrive as JWS signed with the {@code receipts} key. */
@Controller
public class OrdersController {

  /** The order's payload, once its JWS verified. */
  @Post(uri = "/orders", consumes = MediaType.TEXT_PLAIN, produces = MediaType.TEXT_PLAIN)
  public String place(@Body @Signed(key = "receipts") String order) {
    return "placed " + order;
  }
}
