package dev.hsm.micronaut.data;

import dev.hsm.annotation.Encrypted;
import io.micronaut.data.annotation.AutoPopulated;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.util.UUID;

/**
 * An entity whose UUID id Micronaut Data sets when it is saved ({@code @AutoPopulated}), before
 * hsm-micronaut's listener binds the holder's name to the row.
 */
@MappedEntity("badge")
public class Badge {
  @Id @AutoPopulated private UUID id;

  @Encrypted(key = "pii", context = "badge.holder")
  private String holder;

  public UUID getId() {
    return id;
  }

  public void setId(UUID id) {
    this.id = id;
  }

  public String getHolder() {
    return holder;
  }

  public void setHolder(String holder) {
    this.holder = holder;
  }
}
