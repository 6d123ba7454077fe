package dev.sentinels.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input is refused the same way on both backends: exit 2, the same one line, nothing written.
 * Each case runs against the test cluster and against a local home.
 */
@ExtendWith(TestClusterExtension.class)
class BadInputMatchesClusterTest {

  @TempDir static Path dir;
  private static LocalHome local;
  private static String namespace;
  private static TestCluster cluster;

  @BeforeAll
  static void setUp(TestCluster testCluster) throws Exception {
    cluster = testCluster;
    namespace = cluster.createNamespace("local-vs-cluster");
    local = LocalHome.withCpus(dir.resolve("home"), 2);
  }

  @AfterAll
  static void tearDown() {
    local.close();
    cluster.admin().namespaces().withName(namespace).delete();
  }

  static Stream<Arguments> badInputs() throws Exception {
    Path specs = Files.createTempDirectory("bad-specs");
    return Stream.of(
        Arguments.of(
            "gpu not whole", spec(specs, "name: demo\nimage: busybox\nresources: {gpu: 1.5}\n")),
        Arguments.of("unknown field", spec(specs, "name: demo\nimage: busybox\ncomand: [echo]\n")),
        Arguments.of("no image", spec(specs, "name: demo\ncommand: [echo]\n")),
        Arguments.of("bad name", spec(specs, "name: Demo_1\nimage: busybox\n")),
        Arguments.of("bad timeout", spec(specs, "name: demo\nimage: busybox\ntimeout: soon\n")),
        Arguments.of("not yaml", spec(specs, "name: [demo\n")),
        Arguments.of(
            "unknown priority", List.of("--name", "x", "--image", "busybox", "--priority", "hihg")),
        Arguments.of(
            "bad cpu flag", List.of("--name", "x", "--image", "busybox", "--cpu", "lots")));
  }

  private static List<String> spec(Path dir, String yaml) throws Exception {
    Path file = Files.createTempFile(dir, "spec", ".yaml");
    Files.writeString(file, yaml);
    return List.of("-f", file.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void refusedAlikeWithNothingWritten(String why, List<String> args) {
    List<String> onCluster =
        new ArrayList<>(
            List.of("submit", "--kubeconfig", cluster.kubeconfig().toString(), "-n", namespace));
    onCluster.addAll(args);
    List<String> onLocal = new ArrayList<>(List.of("submit"));
    onLocal.addAll(args);

    CliRun clusterRun = CliRun.of(onCluster.toArray(String[]::new));
    CliRun localRun = local.cli(onLocal.toArray(String[]::new));

    assertEquals(ExitCodes.USAGE, clusterRun.exitCode(), clusterRun.err());
    assertEquals(ExitCodes.USAGE, localRun.exitCode(), localRun.err());
    assertEquals(clusterRun.err(), localRun.err());
    assertEquals(1, localRun.err().lines().count(), localRun.err());
    assertFalse(localRun.err().contains("Exception"));
    assertEquals("", local.cli("status", "--all", "-o", "name").out());
    assertEquals(
        0,
        cluster
            .admin()
            .configMaps()
            .inNamespace(namespace)
            .withLabel("app.kubernetes.io/component", "job-record")
            .list()
            .getItems()
            .size());
  }
}
