package dev.sentinels.cli.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.cli.plugin.PluginsConfig;
import dev.sentinels.cli.plugin.PluginsConfigReader;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PluginsConfigReaderTest {

  @Test
  void sectionOfAConfigYamlLeavesTheOtherSectionsToTheirReaders() {
    PluginsConfig config =
        PluginsConfigReader.readSection(
            "defaultPriority: normal\nplugins:\n  mlflow: {trackingUri: 'http://m:5000'}\n  slack:\n",
            "~/.sentinel/config.yaml");
    assertEquals("~/.sentinel/config.yaml", config.source());
    assertEquals(Map.of("trackingUri", "http://m:5000"), config.section("mlflow").orElseThrow());
    assertEquals(Map.of(), config.section("slack").orElseThrow());
    assertTrue(PluginsConfigReader.readSection("queues: []\n", "x").isEmpty());
    assertTrue(PluginsConfigReader.readDocument("", "x").isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          other section     | plugins: {}\\ndefaultPriority: high | src: defaultPriority: unknown field; this document holds only plugins:
          not a mapping     | plugins: [slack]                     | src: plugins: must be a mapping from plugin id to its settings
          section is a list | plugins: {slack: [a]}                | src: plugins.slack: must be a mapping of settings (write {} for none)
          bad id            | plugins: {Slack_2: {}}               | src: plugins.Slack_2: is not a plugin id (lowercase letters, digits and -)
          bad yaml          | 'plugins: {'                         | src: config: invalid YAML
          """)
  void badDocumentsAreRefusedNamingTheField(String name, String yaml, String expected) {
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> PluginsConfigReader.readDocument(yaml.replace("\\n", "\n"), "src"));
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
  }
}
