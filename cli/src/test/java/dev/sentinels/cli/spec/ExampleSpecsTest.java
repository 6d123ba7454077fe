package dev.sentinels.cli.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sentinels.api.JobSpec;
import dev.sentinels.api.QueueConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The example specs users copy from must stay valid. */
class ExampleSpecsTest {

  private static final SpecReader READER = new SpecReader(QueueConfig.defaults());

  static Stream<Path> exampleSpecs() throws IOException {
    try (Stream<Path> files =
        Stream.concat(
            Files.list(RepositoryFiles.resolve("examples/specs")),
            Files.list(RepositoryFiles.resolve("examples/quickstart"))
                .filter(f -> f.toString().endsWith(".yaml"))
                .filter(f -> !f.getFileName().toString().equals("config.yaml")))) {
      List<Path> specs = files.filter(Files::isRegularFile).sorted().toList();
      assertFalse(specs.isEmpty(), "no example specs");
      return specs.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exampleSpecs")
  void parsesAndValidates(Path file) {
    JobSpec spec = READER.read(file, new SpecOverrides());
    assertFalse(spec.name().isEmpty());
  }

  @Test
  void gpuExampleShowsGpuDataAndPriority() {
    JobSpec spec =
        READER.read(RepositoryFiles.resolve("examples/specs/gpu-train.yaml"), new SpecOverrides());
    assertEquals(1, spec.resources().gpus());
    assertEquals("high", spec.priority());
    assertEquals("/data/imagenet", spec.data().get(0).mountPath());
    assertEquals(
        List.of("--arch=resnet50", "--lr=0.1", "--batch-size=256", "--data=/data/imagenet"),
        spec.args());
  }

  @Test
  void quickstartConfigGivesOneSlotAndRunsOnTheHost() throws IOException {
    var config =
        dev.sentinels.cli.config.SentinelConfig.parse(
            Files.readString(RepositoryFiles.resolve("examples/quickstart/config.yaml")), "config");
    assertEquals(1000L, config.capacity().cpuMillis());
    assertEquals("none", config.containerEngine());
    for (String name : List.of("baseline", "sweep", "urgent")) {
      JobSpec spec =
          READER.read(
              RepositoryFiles.resolve("examples/quickstart/" + name + ".yaml"),
              new SpecOverrides());
      assertEquals(1000L, spec.resources().cpuMillis(), name + " must fill the one slot");
    }
  }

  @Test
  void mnistExampleRunsOnCpu() {
    JobSpec spec =
        READER.read(RepositoryFiles.resolve("examples/specs/mnist.yaml"), new SpecOverrides());
    assertEquals(0, spec.resources().gpus());
    assertEquals(List.of("--lr=0.01", "--epochs=10"), spec.args());
  }
}
