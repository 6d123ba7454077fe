package dev.sentinels.cli.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sentinels.api.DataMount;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Resources;
import dev.sentinels.api.Toleration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecReaderTest {

  private static final SpecReader READER = new SpecReader(QueueConfig.defaults());

  private static JobSpec read(String yaml) {
    return READER.read(yaml, new SpecOverrides());
  }

  @Test
  void readsEveryField() {
    JobSpec spec =
        read(
            """
            name: mnist-baseline
            project: mnist
            image: python:3.12-slim
            command: [python, train.py]
            args: ["--lr=${params.lr}", "--arch=${params.arch}-${params.epochs}"]
            env: {FOO: bar, EPOCHS: "${params.epochs}", DEBUG: true}
            params: {lr: 0.010, epochs: 10, arch: resnet, fast: false}
            resources: {cpu: 500m, memory: 4Gi, gpu: 1}
            priority: high
            queue: default
            data:
              - name: imagenet
                claim: datasets
                subPath: imagenet/train
                mountPath: /data/imagenet
              - name: scratch
                hostPath: /mnt/scratch
                mountPath: /scratch
            artifacts: /outputs
            timeout: 1h30m
            retries: 1
            labels: {team: vision, example.com/owner: ada}
            nodeSelector: {gpu: a100}
            tolerations:
              - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
              - {key: pool, value: train}
            """);
    assertEquals("mnist-baseline", spec.name());
    assertEquals("mnist", spec.project());
    assertEquals("python:3.12-slim", spec.image());
    assertEquals(List.of("python", "train.py"), spec.command());
    assertEquals(List.of("--lr=0.010", "--arch=resnet-10"), spec.args());
    assertEquals(Map.of("FOO", "bar", "EPOCHS", "10", "DEBUG", "true"), spec.env());
    // Scalars stay as written, in the order written.
    assertEquals(List.of("lr", "epochs", "arch", "fast"), List.copyOf(spec.params().keySet()));
    assertEquals(List.of("0.010", "10", "resnet", "false"), List.copyOf(spec.params().values()));
    assertEquals(new Resources(500, 4L << 30, 1), spec.resources());
    assertEquals("high", spec.priority());
    assertEquals("default", spec.queue());
    assertEquals(
        List.of(
            new DataMount("imagenet", "datasets", null, "imagenet/train", "/data/imagenet"),
            new DataMount("scratch", null, "/mnt/scratch", null, "/scratch")),
        spec.data());
    assertEquals("/outputs", spec.artifacts());
    assertEquals(Duration.ofMinutes(90), spec.timeout());
    assertEquals(1, spec.retries());
    assertEquals(Map.of("team", "vision", "example.com/owner", "ada"), spec.labels());
    assertEquals(Map.of("gpu", "a100"), spec.nodeSelector());
    assertEquals(
        List.of(
            new Toleration("nvidia.com/gpu", "Exists", null, "NoSchedule"),
            new Toleration("pool", "Equal", "train", null)),
        spec.tolerations());
  }

  @Test
  void fillsDefaults() {
    JobSpec spec = read("name: demo\nimage: img\n");
    assertEquals("demo", spec.project());
    assertEquals(List.of(), spec.command());
    assertEquals(new Resources(1000, 1L << 30, 0), spec.resources());
    assertNull(spec.priority());
    assertNull(spec.queue());
    assertNull(spec.timeout());
    assertNull(spec.artifacts());
    assertEquals(0, spec.retries());
    assertEquals(Map.of(), spec.env());
  }

  @Test
  void defaultsMissingResourcesOneByOne() {
    assertEquals(
        new Resources(1000, 8L << 30, 2),
        read("{name: demo, image: img, resources: {memory: 8Gi, gpu: 2}}").resources());
  }

  @Test
  void takesASingleStringAsACommandOfOne() {
    assertEquals(
        List.of("python train.py"),
        read("{name: demo, image: img, command: python train.py}").command());
  }

  @Test
  void treatsNullFieldsAsAbsent() {
    JobSpec spec = read("name: demo\nimage: img\npriority:\ntimeout: null\nenv:\n");
    assertNull(spec.priority());
    assertNull(spec.timeout());
    assertEquals(Map.of(), spec.env());
  }

  @Test
  void parsesDurations() {
    assertEquals(Duration.ofSeconds(90), read("{name: d, image: i, timeout: 90s}").timeout());
    assertEquals(Duration.ofDays(1), read("{name: d, image: i, timeout: 1d}").timeout());
    assertEquals(Duration.ofMinutes(90), read("{name: d, image: i, timeout: 1.5h}").timeout());
    assertEquals(Duration.ofMillis(2500), read("{name: d, image: i, timeout: 2s500ms}").timeout());
  }

  @Test
  void substitutesParamsOnceWithoutReadingValuesAsReferences() {
    JobSpec spec =
        read("{name: d, image: i, args: ['${params.a}'], params: {a: '${params.b}', b: x}}");
    assertEquals(List.of("${params.b}"), spec.args());
  }

  @Test
  void leavesOtherDollarReferencesAlone() {
    assertEquals(
        List.of("echo $HOME ${USER}"),
        read("{name: d, image: i, args: ['echo $HOME ${USER}']}").args());
  }

  @Test
  void reportsEveryBrokenFieldOnItsOwnLine() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> read("{name: Demo, image: img, retries: 99, resources: {gpu: x}}"));
    assertEquals("name", e.field());
    assertEquals(
        List.of(
            "demo.yaml: name: \"Demo\" is not a valid name; use lowercase letters, digits and '-',"
                + " starting and ending with a letter or digit",
            "demo.yaml: resources.gpu: must be a whole number >= 0, got \"x\"",
            "demo.yaml: retries: must be a whole number from 0 to 10, got \"99\""),
        e.lines("demo.yaml"));
  }

  @Test
  void keepsEachProblemOnOneLine() {
    SpecException e =
        assertThrows(SpecException.class, () -> read("{name: demo, image: \"a\\nb c\"}"));
    assertEquals("image: \"a\\nb c\" contains whitespace; remove it", e.getMessage());
  }

  @Test
  void shortensLongValuesInMessages() {
    String image = "x ".repeat(100);
    SpecException e =
        assertThrows(SpecException.class, () -> read("{name: demo, image: \"" + image + "\"}"));
    assertEquals(
        "image: \"" + image.substring(0, 57) + "...\" contains whitespace; remove it",
        e.getMessage());
  }

  @Test
  void checksAgainstTheGivenQueueConfig() {
    QueueConfig defaults = QueueConfig.defaults();
    QueueConfig custom =
        new QueueConfig(
            defaults.priorityClasses(),
            defaults.defaultPriority(),
            Map.of("gpu", new QueueConfig.Queue("gpu", null, "GPU work")),
            defaults.starvationTimeout());
    SpecReader reader = new SpecReader(custom);
    assertEquals("gpu", reader.read("{name: d, image: i, queue: gpu}", null).queue());
    SpecException e =
        assertThrows(
            SpecException.class, () -> reader.read("{name: d, image: i, queue: default}", null));
    assertEquals("queue: unknown queue \"default\"; known: gpu", e.getMessage());
  }

  @Test
  void readsAFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("spec.yaml");
    Files.writeString(file, "name: demo\nimage: img\n");
    assertEquals("demo", READER.read(file, new SpecOverrides()).name());
  }

  @Test
  void refusesAnOversizedFileWithoutReadingItAll(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("huge.yaml");
    Files.write(file, new byte[SpecReader.MAX_SIZE * 4]);
    SpecException e =
        assertThrows(SpecException.class, () -> READER.read(file, new SpecOverrides()));
    assertEquals(
        "spec: is larger than 256 KiB; keep specs small and put data on a data mount",
        e.getMessage());
  }

  @Test
  void refusesAFileThatIsNotUtf8(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xE9, '\n'});
    SpecException e =
        assertThrows(SpecException.class, () -> READER.read(file, new SpecOverrides()));
    assertEquals("spec: is not UTF-8 text; save it as UTF-8", e.getMessage());
  }

  @Test
  void reportsAMissingFile(@TempDir Path dir) {
    Path file = dir.resolve("missing.yaml");
    SpecException e =
        assertThrows(SpecException.class, () -> READER.read(file, new SpecOverrides()));
    assertEquals("spec: file not found: " + file, e.getMessage());
  }
}
