package dev.sentinels.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.Resources;
import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.config.SentinelConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code $SENTINEL_HOME/config.yaml}, and which backend a command picks. */
class LocalConfigTest {

  @TempDir Path dir;

  @Test
  void readsBackendCapacityIdleTimeoutEngineAndQueueKeysAndKeepsPluginSections() {
    SentinelConfig config =
        SentinelConfig.parse(
            """
            backend: local
            local:
              capacity: {cpu: 500m, memory: 2Gi}
              idleTimeout: 2m
              engine: none
            defaultPriority: high
            plugins:
              mlflow: {url: http://localhost:5000}
            """,
            "config.yaml");
    assertEquals("local", config.backend().orElseThrow());
    assertEquals(500L, config.capacity().cpuMillis());
    assertEquals(2L << 30, config.capacity().memoryBytes());
    assertEquals(null, config.capacity().gpus());
    assertEquals(Duration.ofMinutes(2), config.idleTimeout());
    assertEquals("none", config.containerEngine());
    assertEquals("high", config.queueConfig().defaultPriority());
    assertTrue(config.sections().containsKey("plugins"));
    Resources machine = Machine.capacity(config.capacity());
    assertEquals(500, machine.cpuMillis());
    assertEquals(0, machine.gpus()); // detected: no nvidia-smi here
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "backend: cloud|config.yaml: backend: \"cloud\" is not local or kubernetes",
        "local: {capacity: {cpu: many}}|config.yaml: local.capacity.cpu: ",
        "local: {capacity: {gpu: -1}}|config.yaml: local.capacity.gpu: must be a whole number >= 0",
        "local: {capacity: {disk: 1}}|config.yaml: local.capacity.disk: unknown field",
        "local: {idleTimeout: later}|config.yaml: local.idleTimeout: \"later\" is not a duration",
        "local: {engine: lxc}|config.yaml: local.engine: \"lxc\" is not auto, docker, podman or none",
        "local: 3|config.yaml: local: must be a mapping",
        "local: {metricsPort: 70000}|config.yaml: local.metricsPort: \"70000\" is not a port; give 1-65535",
        "local: {metricsPort: http}|config.yaml: local.metricsPort: \"http\" is not a port; give 1-65535",
        "defaultPriorty: high|config.yaml: defaultPriorty: unknown field; did you mean \"defaultPriority\"?",
      })
  void badConfigIsOneLineNamingTheFieldExitTwo(String yaml, String expected) throws Exception {
    LocalHome local = new LocalHome(dir, yaml + "\n");
    CliRun run = local.cli("status");
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(
        run.err()
            .startsWith(
                "error: "
                    + dir.resolve("config.yaml").toString().replace("config.yaml", "")
                    + expected),
        run.err());
    assertEquals(1, run.err().lines().count(), run.err());
  }

  @Test
  void withNoClusterConfiguredCommandsUseTheLocalBackendInSentinelHome() throws Exception {
    Path home = dir.resolve("sentinel-home");
    CliRun run = withoutCluster(home, "status");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals("", run.out());
    assertEquals("No jobs found.\n", run.err());
    assertTrue(Files.exists(home.resolve("sentinel.db")), "the local store is in $SENTINEL_HOME");
  }

  @Test
  void configSayingKubernetesWithoutAClusterIsUnreachableAndLocalStillWins() throws Exception {
    Path home = dir.resolve("sentinel-home");
    Files.createDirectories(home);
    Files.writeString(home.resolve("config.yaml"), "backend: kubernetes\n");
    CliRun run = withoutCluster(home, "status");
    assertEquals(4, run.exitCode(), run.err());
    assertEquals(
        "error: "
            + home.resolve("config.yaml")
            + " says backend: kubernetes, but no cluster is configured:"
            + " set KUBECONFIG or pass --kubeconfig FILE\n",
        run.err());
    assertEquals(0, withoutCluster(home, "status", "--local").exitCode());
  }

  /** {@code sentinel args...} as its own JVM on a machine with no kubeconfig anywhere. */
  private CliRun withoutCluster(Path sentinelHome, String... args) throws Exception {
    // An empty home directory: no ~/.kube/config.
    ProcessBuilder builder =
        dev.sentinels.cli.CliProcess.builder(List.of("-Duser.home=" + dir), args);
    builder.environment().remove("KUBECONFIG");
    builder.environment().remove("KUBERNETES_SERVICE_HOST");
    builder.environment().put("SENTINEL_HOME", sentinelHome.toString());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    return new CliRun(process.exitValue(), out, err);
  }
}
