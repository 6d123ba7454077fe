package dev.sentinels.cli.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** MLflow's own environment variables as defaults for its plugin; configuration wins. */
class PluginsEnvironmentTest {

  private static final Map<String, String> ENV =
      Map.of("MLFLOW_TRACKING_URI", "http://mlflow.team:5000", "MLFLOW_TRACKING_TOKEN", "t0k3n");

  @Test
  void locallyTheEnvironmentAloneConfiguresTracking() {
    PluginsConfig config = PluginsConfig.NONE.withEnvironment(ENV::get, true);
    assertEquals(
        Map.of(
            "trackingUri",
            "http://mlflow.team:5000",
            "token",
            Map.of("env", "MLFLOW_TRACKING_TOKEN")),
        config.section("mlflow").orElseThrow());
  }

  @Test
  void onAClusterItOnlyCompletesASectionThatExists() {
    assertSame(PluginsConfig.NONE, PluginsConfig.NONE.withEnvironment(ENV::get, false));
    PluginsConfig partial =
        new PluginsConfig("configmap", Map.of("mlflow", Map.of("uiUri", "https://ui")));
    assertEquals(
        "http://mlflow.team:5000",
        partial
            .withEnvironment(ENV::get, false)
            .section("mlflow")
            .orElseThrow()
            .get("trackingUri"));
  }

  @Test
  void configurationWins() {
    PluginsConfig configured =
        new PluginsConfig(
            "config.yaml", Map.of("mlflow", Map.of("trackingUri", "http://here:5000")));
    assertEquals(
        "http://here:5000",
        configured
            .withEnvironment(ENV::get, true)
            .section("mlflow")
            .orElseThrow()
            .get("trackingUri"));
  }

  @Test
  void noVariablesChangeNothing() {
    PluginsConfig configured =
        new PluginsConfig("config.yaml", Map.of("slack", Map.of("webhookUrl", Map.of("env", "X"))));
    assertSame(configured, configured.withEnvironment(name -> null, true));
  }
}
