package dev.sentinels.cli.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loading the plugins the build produced: good, unconfigured, broken, misconfigured. */
class PluginHostTest {

  private static final String HOOK_URL = "https://hooks.example/T000/B000/s3cr3t-token";

  private static PluginHost load(String yaml, Map<String, String> env) {
    PluginsConfig config = PluginsConfigReader.readDocument(yaml, "test plugins.yaml");
    return PluginHost.load(BuiltPlugins.all(), config, TestSecrets.env(env));
  }

  private static Map<String, PluginHost.PluginStatus> byId(PluginHost host) {
    return host.statuses().stream().collect(Collectors.toMap(PluginHost.PluginStatus::id, s -> s));
  }

  @Test
  void findsShippedPluginsWithTheirKindsAndTheBrokenOneWithItsError() {
    try (PluginHost host =
        load(
            "plugins:\n  webhook:\n    url: {env: HOOK}\n    on: [Failed]\n",
            Map.of("HOOK", HOOK_URL))) {
      var plugins = byId(host);
      assertEquals(List.of("tracking"), plugins.get("mlflow").kinds());
      assertEquals("no", plugins.get("mlflow").configured());
      assertTrue(plugins.get("mlflow").healthy());
      assertEquals("0.1.0-SNAPSHOT", plugins.get("slack").version());
      assertEquals(List.of("notifier"), plugins.get("webhook").kinds());
      assertEquals("yes", plugins.get("webhook").configured());
      assertNull(plugins.get("webhook").error());
      assertFalse(plugins.get("broken").healthy());
      assertTrue(
          plugins.get("broken").error().contains("this plugin is broken on purpose"),
          plugins.get("broken").error());
      // only the configured, healthy one is used
      assertEquals(
          List.of("webhook"), host.notifiers().stream().map(PluginHost.Active::pluginId).toList());
      assertTrue(host.tracking().isEmpty());
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          plain-string secret | plugins: {webhook: {url: 'https://hooks.example/x/s3cr3t-token'}} | plugins.webhook.url: must reference a secret
          env not set         | plugins: {webhook: {url: {env: NOT_SET}}}                           | plugins.webhook.url: environment variable NOT_SET is not set
          missing secret key  | plugins: {webhook: {url: {secretRef: {name: hooks, key: nope}}}}      | plugins.webhook.url: Secret hooks has no key nope
          missing required    | plugins: {slack: {}}                                                  | plugins.slack.webhookUrl: is required
          bad scheme, masked  | plugins: {webhook: {url: {env: FTP}}}                                 | plugins.webhook.url: must be an http or https URL
          bad notify state    | plugins: {webhook: {url: {env: HOOK}, on: [Running]}}                 | plugins.webhook.on: "Running" is not a terminal state
          bad duration        | plugins: {webhook: {url: {env: HOOK}, timeout: soon}}                 | plugins.webhook.timeout: "soon" is not a duration
          mlflow bad uri      | plugins: {mlflow: {trackingUri: 'mlflow:5000'}}                       | plugins.mlflow.trackingUri: must be the http(s) URL
          not installed       | plugins: {nope: {}}                                                   | no plugin 'nope' is installed
          """)
  void misconfiguredPluginIsReportedNamingTheFieldAndSkipped(
      String name, String yaml, String expected) {
    try (PluginHost host =
        load(yaml, Map.of("HOOK", HOOK_URL, "FTP", "ftp://user:s3cr3t-token@files.example"))) {
      PluginHost.PluginStatus broken =
          host.statuses().stream()
              .filter(s -> s.error() != null && !s.id().equals("broken"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no error reported: " + host.statuses()));
      assertTrue(broken.error().contains(expected), broken.error());
      assertTrue(broken.error().contains("test plugins.yaml"), broken.error());
      assertFalse(broken.error().contains("s3cr3t"), "secret printed: " + broken.error());
      assertTrue(host.notifiers().isEmpty());
      assertTrue(host.tracking().isEmpty());
    }
  }

  @Test
  void secretsAreMaskedInAnyMessageTheHostMakes() {
    try (PluginHost host =
        load("plugins:\n  webhook:\n    url: {env: HOOK}\n", Map.of("HOOK", HOOK_URL))) {
      assertEquals(
          "could not reach ****",
          host.describe(new java.io.IOException("could not reach " + HOOK_URL)));
    }
  }

  @Test
  void failuresAreSaidInWordsNeverJavaClassNames() {
    try (PluginHost host =
        load("plugins:\n  webhook:\n    url: {env: HOOK}\n", Map.of("HOOK", HOOK_URL))) {
      assertEquals(
          "cannot connect: Connection refused",
          host.describe(
              new RuntimeException(
                  "org.mlflow.tracking.MlflowClientException: org.apache.http.conn.HttpHostConnectException: refused",
                  new java.net.ConnectException("Connection refused"))));
      assertEquals(
          "Connect to localhost:5000 failed",
          host.describe(
              new IllegalStateException(
                  "org.apache.http.conn.HttpHostConnectException: Connect to localhost:5000 failed")));
      assertEquals(
          "unknown host mlflow.example",
          host.describe(new java.net.UnknownHostException("mlflow.example")));
    }
  }

  @Test
  void noPluginDirectoryMeansNoPluginsAndNoError(@TempDir Path empty) {
    try (PluginHost host =
        PluginHost.load(
            List.of(empty.resolve("absent"), empty),
            PluginsConfig.NONE,
            TestSecrets.env(Map.of()))) {
      assertTrue(host.statuses().isEmpty());
      assertTrue(host.idle());
    }
  }
}
