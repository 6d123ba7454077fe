package dev.sentinels.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.cli.plugin.BuiltPlugins;
import dev.sentinels.cli.plugin.PluginHost;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cold start: read-only commands never initialise pf4j, even with plugins configured; {@code
 * plugins} does (the control that shows the check can fail).
 */
@ExtendWith(TestClusterExtension.class)
class ReadCommandsLoadNoPluginsTest {

  private ClusterFixture fixture;

  @BeforeEach
  void setUp(TestCluster cluster) {
    fixture = new ClusterFixture(cluster, "cold");
    FakeReceivers.configure(
        fixture,
        "plugins:\n  webhook:\n    url: {secretRef: {name: sentinel-notify, key: hook}}\n",
        Map.of("hook", "http://127.0.0.1:9/hook"));
  }

  @AfterEach
  void tearDown() {
    fixture.deleteNamespace();
  }

  @ParameterizedTest
  @ValueSource(strings = {"status", "queue", "nodes", "queues", "plugins"})
  void onlyThePluginsCommandLoadsPf4j(String command, @TempDir Path home) throws Exception {
    Process process =
        dev.sentinels.cli.CliProcess.builder(
                List.of(
                    "-verbose:class",
                    "-D" + PluginHost.PLUGINS_DIR_PROPERTY + "=" + BuiltPlugins.shipped(),
                    "-Dsentinel.home=" + home),
                command,
                "--kubeconfig",
                fixture.cluster.kubeconfig().toString(),
                "-n",
                fixture.namespace)
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), output);
    boolean loadedPf4j = output.contains("org.pf4j.DefaultPluginManager");
    assertEquals(command.equals("plugins"), loadedPf4j, command + " loaded pf4j: " + loadedPf4j);
  }
}
