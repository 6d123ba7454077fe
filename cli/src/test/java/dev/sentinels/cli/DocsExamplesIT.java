package dev.sentinels.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.cli.spec.RepositoryFiles;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example the docs mark runnable works as written, on the backend the mark names. A bash
 * block after {@code <!-- run: local -->} or {@code <!-- run: cluster -->} is run line by line from
 * the repository's root with this build's {@code bin/sentinel} (so after the package phase: an
 * integration test); {@code <id>} (and {@code <id-a>}, {@code <id-b>}) stand for the last jobs a
 * line printed. A line must exit 0, or what its {@code # exits N} comment says; one that follows a
 * job ({@code -f}, {@code --watch}) may still run when its time is up.
 */
@ExtendWith(TestClusterExtension.class)
class DocsExamplesIT {

  private static final List<String> DOCS =
      List.of("README.md", "docs/user-guide.md", "docs/test-cluster.md");
  private static final Pattern MARK = Pattern.compile("<!-- run: (local|cluster) -->");
  private static final Pattern JOB = Pattern.compile("job/([a-z0-9][a-z0-9-]*-[a-z0-9]{5})");
  private static final Pattern EXPECTED_EXIT = Pattern.compile("#\\s*exits (\\d+)");

  @TempDir Path dir;

  /** A runnable block: where it is, which backend, its lines. */
  record Example(String where, String backend, List<String> lines) {
    @Override
    public String toString() {
      return where + " (" + backend + ")";
    }
  }

  static Stream<Arguments> examples() throws IOException {
    List<Arguments> examples = new ArrayList<>();
    for (String doc : DOCS) {
      List<String> lines = Files.readAllLines(RepositoryFiles.resolve(doc));
      for (int i = 0; i < lines.size(); i++) {
        Matcher mark = MARK.matcher(lines.get(i));
        if (!mark.find()) {
          continue;
        }
        int open = i + 1;
        while (!lines.get(open).startsWith("```")) {
          open++;
        }
        List<String> block = new ArrayList<>();
        for (int j = open + 1; !lines.get(j).startsWith("```"); j++) {
          String line = lines.get(j).strip();
          if (!line.isEmpty() && !line.startsWith("#")) {
            block.add(line);
          }
        }
        examples.add(Arguments.of(new Example(doc + ":" + (i + 1), mark.group(1), block)));
      }
    }
    return examples.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void runsAsWritten(Example example, TestCluster cluster) throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    Path home = Files.createDirectories(dir.resolve("home"));
    env.put("SENTINEL_HOME", home.toString());
    env.put("HOME", Files.createDirectories(dir.resolve("user")).toString());
    // A fresh HOME, but the builds cached as everywhere else (the images of scripts/images.sh).
    env.put(
        "SENTINEL_CACHE",
        Optional.ofNullable(System.getenv("SENTINEL_CACHE"))
            .orElse(System.getProperty("user.home") + "/.cache/sentinels"));
    env.put("PATH", cluster.binDir() + ":" + System.getenv("PATH"));
    if (example.backend().equals("local")) {
      Files.writeString(
          home.resolve("config.yaml"),
          "local: {capacity: {cpu: 4, memory: 8Gi, gpu: 0}, engine: none, idleTimeout: 5s}\n");
      env.put("KUBECONFIG", "");
    } else {
      env.put("KUBECONFIG", kubeconfigIn(cluster, cluster.createNamespace("docs")).toString());
    }
    List<String> jobs = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    for (String written : example.lines()) {
      String line = written.replace("<id-a>", nth(jobs, 2)).replace("<id-b>", nth(jobs, 1));
      line = line.replace("<id>", nth(jobs, 1));
      Matcher expected = EXPECTED_EXIT.matcher(written);
      int exit = expected.find() ? Integer.parseInt(expected.group(1)) : 0;
      boolean follows = line.contains(" -f ") || line.contains("--watch") || line.contains(" -w");
      Run run = run(line, env, follows ? 10 : 120);
      Matcher printed = JOB.matcher(run.output());
      while (printed.find()) {
        if (!jobs.contains(printed.group(1))) {
          jobs.add(printed.group(1));
        }
      }
      if (run.timedOut() ? !follows : run.exit() != exit) {
        wrong.add(
            written
                + "\n  exit "
                + (run.timedOut() ? "none (timed out)" : run.exit())
                + ", not "
                + exit
                + "\n  "
                + run.output().replace("\n", "\n  "));
      }
    }
    assertEquals(List.of(), wrong, example + ": lines that did not work as written");
    assertTrue(!example.lines().isEmpty(), example + " has no lines");
  }

  private record Run(int exit, boolean timedOut, String output) {}

  private Run run(String line, Map<String, String> env, long seconds) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder("bash", "-o", "pipefail", "-c", line)
            .directory(RepositoryFiles.resolve("README.md").getParent().toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("out").toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    boolean ended = process.waitFor(seconds, TimeUnit.SECONDS);
    if (!ended) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    String output = Files.readString(dir.resolve("out"), StandardCharsets.UTF_8);
    return new Run(ended ? process.exitValue() : -1, !ended, output);
  }

  private static String nth(List<String> jobs, int fromLast) {
    return jobs.size() >= fromLast ? jobs.get(jobs.size() - fromLast) : "<no job printed yet>";
  }

  /** The admin kubeconfig with {@code namespace} as its context's, as a user's would name it. */
  private Path kubeconfigIn(TestCluster cluster, String namespace) throws IOException {
    String config = Files.readString(cluster.kubeconfig());
    config =
        config.replace(
            "    cluster: sentinels-test\n",
            "    cluster: sentinels-test\n    namespace: " + namespace + "\n");
    return Files.writeString(dir.resolve("kubeconfig"), config);
  }
}
