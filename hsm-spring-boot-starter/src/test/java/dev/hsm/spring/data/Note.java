package dev.hsm.spring.data;

import dev.hsm.annotation.Encrypted;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A mutable aggregate with an encrypted {@code byte[]} field, stored as a BLOB. Its id is generated
 * by the database, so the field opts out of row binding.
 */
@Table("note")
public class Note {
  @Id private Long id;
  private String title;

  @Encrypted(key = "pii", context = "note.body", bindToRow = false)
  private byte[] body;

  public Note() {}

  public Note(String title, byte[] body) {
    this.title = title;
    this.body = body;
  }

  public Long getId() {
    return id;
  }

  public void setId(Long id) {
    this.id = id;
  }

  public String getTitle() {
    return title;
  }

  public void setTitle(String title) {
    this.title = title;
  }

  public byte[] getBody() {
    return body;
  }

  public void setBody(byte[] body) {
    this.body = body;
  }
}
