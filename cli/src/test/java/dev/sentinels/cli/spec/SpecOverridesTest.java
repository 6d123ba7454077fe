package dev.sentinels.cli.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobSpec;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Resources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecOverridesTest {

  private static final SpecReader READER = new SpecReader(QueueConfig.defaults());

  private static final String BASE =
      """
      name: demo
      image: python:3.12
      command: [python, train.py]
      args: ["--lr=${params.lr}"]
      params: {lr: 0.01, epochs: 10}
      env: {FOO: foo}
      priority: low
      """;

  private static JobSpec withSets(String... assignments) {
    SpecOverrides overrides = new SpecOverrides();
    for (String assignment : assignments) {
      overrides.set(assignment);
    }
    return READER.read(BASE, overrides);
  }

  @Test
  void setsNestedValuesBeforeValidation() {
    JobSpec spec =
        withSets(
            "resources.gpu=2",
            "params.lr=0.1",
            "params.seed=7",
            "env.FOO=bar",
            "labels.team=x",
            "labels.example.com/owner=ada",
            "timeout=1h");
    assertEquals(new Resources(1000, 1L << 30, 2), spec.resources());
    // An override keeps a param's place; a new one comes last. Substitution sees the new value.
    assertEquals(Map.of("lr", "0.1", "epochs", "10", "seed", "7"), spec.params());
    assertEquals(List.of("lr", "epochs", "seed"), List.copyOf(spec.params().keySet()));
    assertEquals(List.of("--lr=0.1"), spec.args());
    assertEquals(Map.of("FOO", "bar"), spec.env());
    assertEquals(Map.of("team", "x", "example.com/owner", "ada"), spec.labels());
    assertEquals(Duration.ofHours(1), spec.timeout());
  }

  @Test
  void parsesFlowValues() {
    JobSpec spec =
        withSets(
            "command=[python, t.py]",
            "args=['--name=a b', \"#1\"]",
            "resources={cpu: 4, memory: 16Gi}",
            "env.COLOR=#fff");
    assertEquals(List.of("python", "t.py"), spec.command());
    assertEquals(List.of("--name=a b", "#1"), spec.args());
    assertEquals(new Resources(4000, 16L << 30, 0), spec.resources());
    assertEquals("#fff", spec.env().get("COLOR"));
  }

  @Test
  void emptyValueRemoves() {
    JobSpec spec = withSets("priority=", "env.FOO=null", "args=~");
    assertNull(spec.priority());
    assertEquals(Map.of(), spec.env());
    assertEquals(List.of(), spec.args());
  }

  @Test
  void appliesInOrderSoTheLastWins() {
    assertEquals("urgent", withSets("priority=high", "priority=urgent").priority());
  }

  @Test
  void mapsConvenienceFlags() {
    SpecOverrides flags =
        new SpecOverrides()
            .name("other")
            .image("pytorch/pytorch:2.5.1")
            .cpu("500m")
            .memory("2Gi")
            .gpus("1")
            .priority("high")
            .queue("default")
            .command(List.of("python", "eval.py", "--fast"));
    JobSpec spec = READER.read(BASE, flags);
    assertEquals("other", spec.name());
    assertEquals("pytorch/pytorch:2.5.1", spec.image());
    assertEquals(new Resources(500, 2L << 30, 1), spec.resources());
    assertEquals("high", spec.priority());
    assertEquals("default", spec.queue());
    // The command line after -- is the whole command: the file's args go.
    assertEquals(List.of("python", "eval.py", "--fast"), spec.command());
    assertEquals(List.of(), spec.args());
  }

  @Test
  void absentFlagsChangeNothing() {
    SpecOverrides flags =
        new SpecOverrides().name(null).image(null).gpus(null).priority(null).command(List.of());
    assertTrue(flags.isEmpty());
    assertEquals("low", READER.read(BASE, flags).priority());
  }

  @Test
  void buildsASpecFromFlagsAlone() {
    JobSpec spec =
        READER.fromOverrides(
            new SpecOverrides()
                .name("quick")
                .image("python:3.12")
                .gpus("1")
                .command(List.of("python", "-c", "print(1)")));
    assertEquals("quick", spec.name());
    assertEquals(List.of("python", "-c", "print(1)"), spec.command());
    assertEquals(1, spec.resources().gpus());
  }

  @Test
  void flagValuesAreCheckedLikeTheFile() {
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> READER.read(BASE, new SpecOverrides().gpus("1.5").priority("hihg")));
    assertEquals(
        "resources.gpu: must be a whole number >= 0, got \"1.5\"\n"
            + "priority: unknown priority class \"hihg\"; known: low, normal, high, urgent",
        e.getMessage());
  }

  @ParameterizedTest(name = "--set {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          resourcs.gpu=2        | --set resourcs.gpu: unknown field "resourcs"; did you mean "resources"?
          gpu=2                 | --set gpu: unknown field "gpu"; known fields: name, project, image, command, args, env, params, resources, priority, queue, data, artifacts, timeout, retries, labels, annotations, nodeSelector, tolerations
          resources.gpus=2      | --set resources.gpus: unknown field "gpus" in resources; did you mean "gpu"?
          resources.gpu.count=2 | --set resources.gpu.count: unknown field "gpu.count" in resources; known fields: cpu, memory, gpu
          command.x=1           | --set command.x: "command" has no fields of its own; set it whole: --set command=VALUE
          data.name=d           | --set data.name: "data" has no fields of its own; set it whole: --set data=VALUE
          env.=1                | --set env.: missing the key after "env."
          gpu                   | --set gpu: expected PATH=VALUE, e.g. --set resources.gpu=2
          =2                    | --set =2: expected PATH=VALUE, e.g. --set resources.gpu=2
          command=[python, t.py | --set command: invalid YAML at line 1, column 14: expected ',' or ']', but got <stream end> (while parsing a flow sequence)
          env.X=[*a]            | env.X[0]: YAML anchors and aliases (&name, *name) are not allowed; write the value out in full
          env.X=[a]             | env.X: must be a string, number or boolean, got a list
          args=[&a x, *a]       | args[1]: YAML anchors and aliases (&name, *name) are not allowed; write the value out in full
          resources.gpu=two     | resources.gpu: must be a whole number >= 0, got "two"
          resources=4           | resources: must be a mapping with cpu, memory and gpu, got "4"
          params.lr=[0.1, 0.2]  | params.lr: must be a string, number or boolean, got a list
          env.1X=y              | env.1X: is not a valid variable name; use letters, digits and '_', not starting with a digit
          retries=ten           | retries: must be a whole number from 0 to 10, got "ten"
          timeout=soon          | timeout: must be a duration like 90s, 30m, 2h, 1h30m or 1d, got "soon"
          name=                 | name: is required; add e.g. "name: mnist-baseline"
          params.lr=            | args[0]: unknown parameter "lr" in ${params.lr}; known: epochs
          """)
  void rejects(String assignment, String message) {
    SpecException e = assertThrows(SpecException.class, () -> withSets(assignment));
    assertEquals(message, e.getMessage());
  }

  @Test
  void nodeSelectorAndTolerationFlagsAddToTheSpecs() {
    JobSpec spec =
        READER.read(
            BASE + "tolerations: [{key: pool, operator: Exists}]\n",
            new SpecOverrides()
                .nodeSelector("gpu=a100")
                .nodeSelector("zone = b")
                .toleration("nvidia.com/gpu:NoSchedule")
                .toleration("dedicated=ml:NoExecute")
                .toleration("spot"));
    assertEquals(Map.of("gpu", "a100", "zone", "b"), spec.nodeSelector());
    assertEquals(
        List.of(
            new dev.sentinels.api.Toleration("pool", "Exists", null, null),
            new dev.sentinels.api.Toleration("nvidia.com/gpu", "Exists", null, "NoSchedule"),
            new dev.sentinels.api.Toleration("dedicated", "Equal", "ml", "NoExecute"),
            new dev.sentinels.api.Toleration("spot", "Exists", null, null)),
        spec.tolerations());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          --node-selector gpu     | --node-selector gpu: expected KEY=VALUE, e.g. --node-selector gpu=a100
          --node-selector =a100   | --node-selector =a100: expected KEY=VALUE, e.g. --node-selector gpu=a100
          --node-selector gpu=a b | nodeSelector.gpu: "a b" is not a valid label value; use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or empty
          --toleration :NoSchedule | --toleration :NoSchedule: expected KEY[=VALUE][:EFFECT], e.g. --toleration nvidia.com/gpu:NoSchedule
          --toleration gpu:Never  | tolerations[0].effect: must be NoSchedule, PreferNoSchedule or NoExecute, got "Never"
          --toleration a b        | tolerations[0].key: "a b" is not a valid taint key
          """)
  void rejectsBadPlacementFlags(String flag, String message) {
    String[] parts = flag.split(" ", 2);
    SpecOverrides overrides = new SpecOverrides();
    SpecException e =
        assertThrows(
            SpecException.class,
            () -> {
              if (parts[0].equals("--node-selector")) {
                overrides.nodeSelector(parts[1]);
              } else {
                overrides.toleration(parts[1]);
              }
              READER.read(BASE, overrides);
            });
    assertEquals(message, e.getMessage());
  }
}
