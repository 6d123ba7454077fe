package dev.sentinels.cli.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** docs/job-spec.schema.json describes the fields the reader accepts: no more, no fewer. */
class SchemaTest {

  private static JsonNode schema() throws IOException {
    return new ObjectMapper()
        .readTree(Files.readString(RepositoryFiles.resolve("docs/job-spec.schema.json")));
  }

  private static Set<String> propertyNames(JsonNode object) {
    return Set.copyOf(object.get("properties").propertyNames());
  }

  @Test
  void topLevelPropertiesAreTheReadersFields() throws IOException {
    JsonNode schema = schema();
    assertEquals(Set.copyOf(SpecFields.TOP_LEVEL), propertyNames(schema));
    assertFalse(schema.get("additionalProperties").asBoolean());
    assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asString());
  }

  @Test
  void nestedPropertiesAreTheReadersFields() throws IOException {
    JsonNode schema = schema();
    assertEquals(
        Set.copyOf(SpecFields.RESOURCES), propertyNames(schema.at("/properties/resources")));
    assertEquals(Set.copyOf(SpecFields.DATA_MOUNT), propertyNames(schema.at("/$defs/dataMount")));
  }

  @Test
  void everyPropertyIsDescribed() throws IOException {
    JsonNode properties = schema().get("properties");
    for (String field : SpecFields.TOP_LEVEL) {
      assertTrue(properties.get(field).has("description"), field + " has no description");
    }
  }
}
