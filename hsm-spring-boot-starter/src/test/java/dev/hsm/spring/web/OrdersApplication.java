package dev.hsm.spring.web;

import dev.hsm.annotation.Signed;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A web application taking orders as JWS signed by a partner's key, and one that overrides. */
@SpringBootConfiguration
@EnableAutoConfiguration(
    excludeName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration"
    })
@Import({OrdersApplication.Orders.class, OrdersApplication.Returns.class})
public class OrdersApplication {

  /** Orders arrive signed with the {@code partner} key. */
  @RestController
  public static class Orders {
    /** The order's payload, once its JWS verified. */
    @PostMapping("/orders")
    public String place(@RequestBody @Signed(key = "partner") String order) {
      return "placed " + order;
    }
  }

  /** A controller with a handler of its own, which wins over the starter's. */
  @RestController
  public static class Returns {
    /** The return's payload, once its JWS verified. */
    @PostMapping("/returns")
    public String accept(@RequestBody @Signed(key = "partner") String order) {
      return "returned " + order;
    }

    /** This application's own answer to a bad signature. */
    @ExceptionHandler(dev.hsm.VerificationFailedException.class)
    @ResponseStatus(HttpStatus.I_AM_A_TEAPOT)
    public String teapot() {
      return "no";
    }
  }
}
