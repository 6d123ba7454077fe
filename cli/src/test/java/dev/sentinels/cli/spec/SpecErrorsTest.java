package dev.sentinels.cli.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sentinels.api.QueueConfig;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule of the spec, as a YAML snippet and the exact message its violation gives. */
class SpecErrorsTest {

  private static final SpecReader READER = new SpecReader(QueueConfig.defaults());

  private static String errorOf(String yaml) {
    return assertThrows(SpecException.class, () -> READER.read(yaml, new SpecOverrides()))
        .getMessage();
  }

  /** Rows are one-line YAML; a literal \n in a row stands for a line break. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          {name: demo, image: img, resource: {cpu: 1}}   | resource: unknown field; did you mean "resources"?
          {name: demo, image: img, Timeout: 1h}          | Timeout: unknown field; did you mean "timeout"?
          {name: demo, image: img, flavor: x}            | flavor: unknown field; known fields: name, project, image, command, args, env, params, resources, priority, queue, data, artifacts, timeout, retries, labels, annotations, nodeSelector, tolerations
          {name: demo, image: img, resources: {gpus: 1}} | resources.gpus: unknown field; did you mean "gpu"?
          {name: demo, image: img, data: [{name: d, claim: c, mount_path: /d}]} | data[0].mount_path: unknown field; did you mean "mountPath"?
          {image: img}                                   | name: is required; add e.g. "name: mnist-baseline"
          {name: Mnist_1, image: img}                    | name: "Mnist_1" is not a valid name; use lowercase letters, digits and '-', starting and ending with a letter or digit
          {name: -demo, image: img}                      | name: "-demo" is not a valid name; use lowercase letters, digits and '-', starting and ending with a letter or digit
          {name: a2345678901234567890123456789012345678901, image: img} | name: "a2345678901234567890123456789012345678901" is 41 characters long; use at most 40
          {name: [demo], image: img}                     | name: must be a string, number or boolean, got a list
          {name: demo}                                   | image: is required; add e.g. "image: python:3.12-slim"
          {name: demo, image: ""}                        | image: is required; add e.g. "image: python:3.12-slim"
          {name: demo, image: "python 3"}                | image: "python 3" contains whitespace; remove it
          {name: demo, image: img, project: "my project"} | project: "my project" is not a valid project name; use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit
          {name: demo, image: img, command: {a: b}}      | command: must be a list of strings or a single string, got a mapping
          {name: demo, image: img, command: [python, [x]]} | command[1]: must be a string, number or boolean, got a list
          {name: demo, image: img, args: [a, null]}      | args[1]: is empty; remove it or write "" for an empty one
          {name: demo, image: img, env: [FOO]}           | env: must be a mapping of names to values, got a list
          {name: demo, image: img, env: {1FOO: x}}       | env.1FOO: is not a valid variable name; use letters, digits and '_', not starting with a digit
          {name: demo, image: img, env: {MY-VAR: x}}     | env.MY-VAR: is not a valid variable name; use letters, digits and '_', not starting with a digit
          {name: demo, image: img, env: {FOO: null}}     | env.FOO: has no value; write "" for an empty one
          {name: demo, image: img, params: {lr: [0.1, 0.2]}} | params.lr: must be a string, number or boolean, got a list
          {name: demo, image: img, params: {opt: {name: adam}}} | params.opt: must be a string, number or boolean, got a mapping
          {name: demo, image: img, params: {"a b": 1}}   | params.a b: is not a valid parameter name; use letters, digits, '_', '-' and '.', starting with a letter or '_'
          {name: demo, image: img, args: ["--lr=${params.lrr}"], params: {lr: 1}} | args[0]: unknown parameter "lrr" in ${params.lrr}; did you mean "lr"?
          {name: demo, image: img, command: ["${params.x}"], params: {lr: 1, epochs: 2}} | command[0]: unknown parameter "x" in ${params.x}; known: lr, epochs
          {name: demo, image: img, env: {X: "${params.lr}"}} | env.X: unknown parameter "lr" in ${params.lr}; define it under params
          {name: demo, image: img, resources: 2}         | resources: must be a mapping with cpu, memory and gpu, got "2"
          {name: demo, image: img, resources: {cpu: two}} | resources.cpu: must be a CPU amount like 2, 0.5 or 500m, got "two"
          {name: demo, image: img, resources: {cpu: 0.0001}} | resources.cpu: must be a CPU amount like 2, 0.5 or 500m, got "0.0001"
          {name: demo, image: img, resources: {cpu: 0}}  | resources.cpu: must be more than 0, got "0"
          {name: demo, image: img, resources: {memory: 4GB}} | resources.memory: must be a memory amount like 512Mi, 4Gi or 1G, got "4GB"
          {name: demo, image: img, resources: {gpu: 1.5}} | resources.gpu: must be a whole number >= 0, got "1.5"
          {name: demo, image: img, resources: {gpu: -1}} | resources.gpu: must be a whole number >= 0, got "-1"
          {name: demo, image: img, priority: hihg}       | priority: unknown priority class "hihg"; known: low, normal, high, urgent
          {name: demo, image: img, queue: gpu}           | queue: unknown queue "gpu"; known: default
          {name: demo, image: img, data: {name: d}}      | data: must be a list of mounts, got a mapping
          {name: demo, image: img, data: [imagenet]}     | data[0]: must be a mapping with name, mountPath and claim or hostPath, got "imagenet"
          {name: demo, image: img, data: [{claim: c, mountPath: /d}]} | data[0].name: is required; add e.g. "name: imagenet"
          {name: demo, image: img, data: [{name: d, claim: c, hostPath: /x, mountPath: /d}]} | data[0]: has both claim and hostPath; keep one
          {name: demo, image: img, data: [{name: d, mountPath: /d}]} | data[0]: needs claim (a PersistentVolumeClaim) or hostPath (a directory on the node)
          {name: demo, image: img, data: [{name: d, claim: Data_Sets, mountPath: /d}]} | data[0].claim: "Data_Sets" is not a valid claim name; use lowercase letters, digits, '-' and '.'
          {name: demo, image: img, data: [{name: d, hostPath: data, mountPath: /d}]} | data[0].hostPath: must be an absolute path without "..", got "data"
          {name: demo, image: img, data: [{name: d, claim: c, subPath: ../etc, mountPath: /d}]} | data[0].subPath: must be a relative path without "..", got "../etc"
          {name: demo, image: img, data: [{name: d, claim: c}]} | data[0].mountPath: is required; add e.g. "mountPath: /data/d"
          {name: demo, image: img, data: [{name: d, claim: c, mountPath: data}]} | data[0].mountPath: must be an absolute path without "..", got "data"
          {name: demo, image: img, data: [{name: d, claim: c, mountPath: /data/../etc}]} | data[0].mountPath: must be an absolute path without "..", got "/data/../etc"
          {name: demo, image: img, data: [{name: a, claim: c, mountPath: /d}, {name: b, claim: c, mountPath: /d/}]} | data[1].mountPath: "/d/" is already used by data[0]; mount each at its own path
          {name: demo, image: img, data: [{name: a, claim: c, mountPath: /a}, {name: a, claim: c, mountPath: /b}]} | data[1].name: "a" is already used by data[0]; give each mount its own name
          {name: demo, image: img, artifacts: out}       | artifacts: must be an absolute path without "..", got "out"
          {name: demo, image: img, data: [{name: d, claim: c, mountPath: /data}], artifacts: /data/out} | artifacts: "/data/out" is inside the read-only mount data[0] at "/data"; write artifacts elsewhere
          {name: demo, image: img, timeout: 2 hours}     | timeout: must be a duration like 90s, 30m, 2h, 1h30m or 1d, got "2 hours"
          {name: demo, image: img, timeout: 90}          | timeout: must be a duration like 90s, 30m, 2h, 1h30m or 1d, got "90"
          {name: demo, image: img, timeout: 1h30}        | timeout: must be a duration like 90s, 30m, 2h, 1h30m or 1d, got "1h30"
          {name: demo, image: img, timeout: 0s}          | timeout: must be more than 0; leave it out for no limit
          {name: demo, image: img, retries: 11}          | retries: must be a whole number from 0 to 10, got "11"
          {name: demo, image: img, retries: -1}          | retries: must be a whole number from 0 to 10, got "-1"
          {name: demo, image: img, retries: 1.0}         | retries: must be a whole number from 0 to 10, got "1.0"
          {name: demo, image: img, labels: {-team: x}}   | labels.-team: is not a valid label key; use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, optionally after a DNS prefix and '/'
          {name: demo, image: img, labels: {Example.COM/team: x}} | labels.Example.COM/team: is not a valid label key; use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, optionally after a DNS prefix and '/'
          {name: demo, image: img, labels: {team: "a b"}} | labels.team: "a b" is not a valid label value; use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or empty
          {name: demo, image: img, nodeSelector: [gpu]}  | nodeSelector: must be a mapping of names to values, got a list
          {name: demo, image: img, nodeSelector: {-zone: a}} | nodeSelector.-zone: is not a valid label key; use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, optionally after a DNS prefix and '/'
          {name: demo, image: img, nodeSelector: {zone: "a b"}} | nodeSelector.zone: "a b" is not a valid label value; use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or empty
          {name: demo, image: img, tolerations: {key: gpu}} | tolerations: must be a list of tolerations, e.g. [{key: gpu, operator: Exists, effect: NoSchedule}]
          {name: demo, image: img, tolerations: [gpu]}   | tolerations[0]: must be a mapping with key, operator, value, effect, got "gpu"
          {name: demo, image: img, tolerations: [{key: gpu, efect: NoSchedule}]} | tolerations[0].efect: unknown field; did you mean "effect"?
          {name: demo, image: img, tolerations: [{key: gpu, operator: In}]} | tolerations[0].operator: must be Equal or Exists, got "In"
          {name: demo, image: img, tolerations: [{key: gpu, operator: Exists, value: "true"}]} | tolerations[0].value: must be left out with operator: Exists
          {name: demo, image: img, tolerations: [{value: x}]} | tolerations[0]: without a key needs operator: Exists (it tolerates every taint)
          {name: demo, image: img, tolerations: [{key: "a b", operator: Exists}]} | tolerations[0].key: "a b" is not a valid taint key
          {name: demo, image: img, tolerations: [{key: gpu, effect: NoScheduling}]} | tolerations[0].effect: must be NoSchedule, PreferNoSchedule or NoExecute, got "NoScheduling"
          name: demo\\nimage: img\\nname: other          | name: is given twice; keep one
          [name, image]                                  | spec: must be a mapping of fields such as "name: ...", got a list
          hello                                          | spec: must be a mapping of fields such as "name: ...", got "hello"
          {name: demo, image: [img}                      | spec: invalid YAML at line 1, column 25: expected ',' or ']', but got } (while parsing a flow sequence)
          name: demo\\n\\timage: img                      | spec: invalid YAML at line 2, column 1: found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation) (while scanning for the next token)
          name: "demo\\nimage: img                       | spec: invalid YAML at line 2, column 11: found unexpected end of stream (while scanning a quoted scalar)
          """)
  void rejects(String yaml, String message) {
    assertEquals(message, errorOf(yaml.replace("\\n", "\n").replace("\\t", "\t")));
  }

  static Stream<Arguments> hostileDocuments() {
    String billionLaughs =
        """
        a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
        name: demo
        image: img
        """;
    return Stream.of(
        Arguments.of(
            "alias bomb",
            billionLaughs,
            "a: YAML anchors and aliases (&name, *name) are not allowed; write the value out in full"),
        Arguments.of(
            "scalar alias",
            "name: &n demo\nimage: *n\n",
            "image: YAML anchors and aliases (&name, *name) are not allowed; write the value out in full"),
        Arguments.of(
            "merge key",
            "name: demo\nimage: img\nresources:\n  <<: *base\n",
            "resources.<<: YAML anchors and aliases (&name, *name) are not allowed; write the value out in full"),
        Arguments.of(
            "deep nesting (flow)",
            "name: demo\nimage: img\nparams: " + "[".repeat(25) + "]".repeat(25) + "\n",
            "params: nests lists and mappings more than 20 levels deep; flatten it"),
        Arguments.of(
            "deep nesting (block)",
            "name: demo\nimage: img\nenv:\n" + blockNesting(25),
            "env: nests lists and mappings more than 20 levels deep; flatten it"),
        Arguments.of(
            "oversize",
            "name: demo\nimage: img\n# " + "x".repeat(SpecReader.MAX_SIZE) + "\n",
            "spec: is larger than 256 KiB; keep specs small and put data on a data mount"),
        Arguments.of(
            "multi-document",
            "name: a\nimage: img\n---\nname: b\nimage: img\n",
            "spec: holds more than one YAML document (separated by ---); keep one document"),
        Arguments.of(
            "trailing empty document",
            "name: a\nimage: img\n---\n",
            "spec: holds more than one YAML document (separated by ---); keep one document"),
        Arguments.of(
            "huge key",
            // YAML caps implicit keys at 1024 characters; an explicit key (?) has no cap
            "name: demo\nimage: img\nenv:\n  ? 1" + "K".repeat(200_000) + "\n  : x\n",
            "env.1"
                + "K".repeat(95)
                + "...: is not a valid variable name; use letters, digits and '_', not starting"
                + " with a digit"),
        Arguments.of("empty file", "", "spec: is empty; write at least name and image"),
        Arguments.of(
            "only comments", "# name: demo\n\n", "spec: is empty; write at least name and image"));
  }

  private static String blockNesting(int depth) {
    StringBuilder yaml = new StringBuilder();
    for (int level = 1; level <= depth; level++) {
      yaml.append("  ".repeat(level)).append("k").append(level).append(":\n");
    }
    return yaml.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileDocuments")
  void rejectsHostileDocuments(String what, String yaml, String message) {
    assertEquals(message, errorOf(yaml));
  }
}
