package dev.hsm.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hsm.HsmConfig;
import dev.hsm.config.Pkcs11Properties;
import dev.hsm.config.StoreProperties;
import dev.hsm.config.UnlockProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;

/**
 * The build generates {@code META-INF/spring-configuration-metadata.json}, which IDEs read to
 * complete {@code hsm.*}: every property is there, with its description and the same defaults as
 * the core's {@link HsmConfig} and the properties model. The properties are inherited from
 * hsm-core's {@code CommonHsmProperties}, whose javadoc and field values the processor cannot read;
 * their descriptions and defaults come from {@code additional-spring-configuration-metadata.json}.
 */
class ConfigurationMetadataTest {

  @Test
  void metadata_describesEveryHsmProperty_withTheCoreDefaults() throws IOException {
    Map<String, Map<String, Object>> properties = properties();

    assertThat(properties).containsKey("management.endpoint.hsm.access"); // the hsm endpoint's
    properties.keySet().removeIf(name -> !name.startsWith("hsm."));
    assertThat(properties)
        .containsOnlyKeys(
            "hsm.store.path",
            "hsm.store.url",
            "hsm.store.user",
            "hsm.store.password",
            "hsm.store.schema",
            "hsm.store.data-source",
            "hsm.unlock.passphrase",
            "hsm.unlock.passphrase-env",
            "hsm.unlock.key-file",
            "hsm.pkcs11.library",
            "hsm.pkcs11.slot",
            "hsm.pkcs11.token-label",
            "hsm.pkcs11.pin-env",
            "hsm.pkcs11.pin-file",
            "hsm.pkcs11.software-algorithms",
            "hsm.cache-size",
            "hsm.refresh-interval",
            "hsm.native-crypto",
            "hsm.keys",
            "hsm.metrics.enabled",
            "hsm.metrics.key-tags",
            "hsm.metrics.overview-refresh",
            "hsm.metrics.observations",
            "hsm.events.enabled",
            "hsm.events.audit-log",
            "hsm.events.warn-before",
            "hsm.events.check-interval",
            "hsm.web.error-responses");
    assertThat(properties.values())
        .allSatisfy(
            property -> {
              assertThat((String) property.get("description"))
                  .as("description of %s", property.get("name"))
                  .isNotBlank();
              assertThat((String) property.get("type"))
                  .as("type of %s", property.get("name"))
                  .isNotBlank();
            });
    Map<String, Map<String, Object>> groups = entries("groups");
    assertThat(groups.get("hsm.store")).containsEntry("type", StoreProperties.class.getName());
    assertThat(groups.get("hsm.unlock")).containsEntry("type", UnlockProperties.class.getName());
    assertThat(groups.get("hsm.pkcs11")).containsEntry("type", Pkcs11Properties.class.getName());
    HsmProperties model = new HsmProperties();
    assertThat(properties.get("hsm.store.path"))
        .containsEntry("defaultValue", StoreProperties.DEFAULT_PATH);
    assertThat(properties.get("hsm.store.schema")).containsEntry("defaultValue", "hsm");
    assertThat(((Number) properties.get("hsm.cache-size").get("defaultValue")).intValue())
        .isEqualTo(HsmConfig.DEFAULT_CACHE_SIZE);
    assertThat(
            DurationStyle.detectAndParse(
                (String) properties.get("hsm.refresh-interval").get("defaultValue")))
        .isEqualTo(HsmConfig.DEFAULT_REFRESH_INTERVAL);
    assertThat(properties.get("hsm.native-crypto"))
        .containsEntry("type", "dev.hsm.NativeCrypto")
        .containsEntry("defaultValue", model.getNativeCrypto().name().toLowerCase(Locale.ROOT));
    assertThat((String) properties.get("hsm.keys").get("type"))
        .contains("dev.hsm.config.KeyProperties");
  }

  private Map<String, Map<String, Object>> properties() throws IOException {
    return entries("properties");
  }

  /** The metadata's {@code groups} or {@code properties}, by name. */
  @SuppressWarnings("unchecked")
  private Map<String, Map<String, Object>> entries(String kind) throws IOException {
    try (InputStream in =
        getClass()
            .getClassLoader()
            .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("generated metadata on the classpath").isNotNull();
      Map<String, Object> metadata;
      try {
        metadata = JSONObjectUtils.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (ParseException e) {
        throw new AssertionError("metadata is not JSON", e);
      }
      Map<String, Map<String, Object>> byName = new HashMap<>();
      for (Object property : (List<Object>) metadata.get(kind)) {
        Map<String, Object> map = (Map<String, Object>) property;
        byName.put((String) map.get("name"), map);
      }
      return byName;
    }
  }
}
