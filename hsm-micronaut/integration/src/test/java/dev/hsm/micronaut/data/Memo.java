package dev.hsm.micronaut.data;

import dev.hsm.annotation.Encrypted;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

/**
 * The contract's {@code memo}: an id the database generates, so its encrypted field opts out of row
 * binding (without {@code bindToRow = false} the application would not start).
 */
@MappedEntity("memo")
public class Memo {
  @Id @GeneratedValue private Long id;

  @Encrypted(key = "pii", context = "memo.body", bindToRow = false)
  private String body;

  public Long getId() {
    return id;
  }

  public void setId(Long id) {
    this.id = id;
  }

  public String getBody() {
    return body;
  }

  public void setBody(String body) {
    this.body = body;
  }
}
