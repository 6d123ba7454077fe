package dev.sentinels.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.SentinelOnPath;
import dev.sentinels.cli.spec.RepositoryFiles;
import dev.sentinels.cli.support.ExitCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The completion scripts, run in the real shells against the real program (a local home with one
 * job): verbs, flags, the formats a verb prints (never file names), priority classes, queues,
 * shells and job ids.
 */
class CompletionTest {

  @TempDir static Path dir;
  private static Path bin;
  private static Path home;
  private static String job;

  @BeforeAll
  static void setUp() throws Exception {
    home = Files.createDirectories(dir.resolve("home"));
    Files.writeString(home.resolve("config.yaml"), "local: {engine: none, idleTimeout: 2s}\n");
    bin = dir.resolve("bin");
    // `sentinel` on the PATH is this build, as the scripts call whatever sentinel the user typed.
    Path sentinel = SentinelOnPath.write(bin);
    ProcessBuilder submitting =
        new ProcessBuilder(
                sentinel.toString(),
                "submit",
                "--name",
                "done",
                "--image",
                "x",
                "-o",
                "name",
                "--",
                "true")
            .redirectErrorStream(true);
    submitting.environment().put("SENTINEL_HOME", home.toString());
    Process submit = submitting.start();
    submit.getOutputStream().close();
    String out = new String(submit.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, submit.waitFor(), out);
    job = out.lines().filter(l -> l.startsWith("job/")).findFirst().orElseThrow().substring(4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bash", "zsh", "fish"})
  void committedScriptsAreCurrent(String shell) throws IOException {
    CliRun run = CliRun.of("completion", shell);
    assertEquals(ExitCodes.OK, run.exitCode(), run.err());
    Path committed = RepositoryFiles.resolve("completions/sentinel." + shell);
    assertEquals(
        Files.readString(committed),
        run.out(),
        committed + " is stale; regenerate: bin/sentinel completion " + shell + " > " + committed);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bash", "zsh", "fish"})
  void completesVerbsFlagsValuesAndJobIds(String shell) throws Exception {
    assumeTrue(onPath(shell), shell + " is not installed (.ci/run installs it)");
    assertEquals(List.of("status"), complete(shell, "sentinel", "stat"));
    assertTrue(complete(shell, "sentinel", "queue", "--kube").contains("--kubeconfig"));
    assertEquals(
        List.of("json", "name", "table", "wide", "yaml"),
        complete(shell, "sentinel", "status", "-o", ""));
    assertEquals(
        List.of("json", "name", "table", "yaml"),
        complete(shell, "sentinel", "describe", "-o", ""));
    assertEquals(List.of(), complete(shell, "sentinel", "logs", "-o", ""), "no file names");
    assertEquals(
        List.of("high", "low", "normal", "urgent"),
        complete(shell, "sentinel", "priority", "set", job, ""));
    assertEquals(List.of("default"), complete(shell, "sentinel", "queue", "-q", ""));
    assertEquals(List.of("bash", "fish", "zsh"), complete(shell, "sentinel", "completion", ""));
    assertEquals(List.of(job), complete(shell, "sentinel", "describe", ""));
  }

  /** What {@code shell} offers for the last of {@code words}, values only, in order. */
  private static List<String> complete(String shell, String... words) throws Exception {
    Path script = dir.resolve("sentinel." + shell);
    Files.writeString(script, CliRun.of("completion", shell).out());
    String line = String.join(" ", words);
    String program =
        switch (shell) {
          case "bash" ->
              "compopt() { :; }; source "
                  + script
                  + "; COMP_WORDS=("
                  + quoted(words)
                  + "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE='"
                  + line
                  + "'; _sentinel_complete; printf '%s\\n' \"${COMPREPLY[@]}\"";
          case "zsh" ->
              "compdef() { :; }; _files() { print FILES; };"
                  + " _describe() { local name=$2; print -l -- ${(P)name%%:*} };"
                  + " source "
                  + script
                  + "; words=("
                  + quoted(words)
                  + "); CURRENT=${#words}; _sentinel_complete";
          default -> "source " + script + "; complete -C \"" + line + "\"";
        };
    ProcessBuilder builder = new ProcessBuilder(shell, "-c", program).redirectErrorStream(true);
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    builder.environment().put("SENTINEL_HOME", home.toString());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), out);
    // fish sorts what it offers; compare every shell's offer sorted.
    return out.lines()
        .map(l -> l.split("\t")[0].strip())
        .filter(l -> !l.isEmpty())
        .sorted()
        .toList();
  }

  private static String quoted(String... words) {
    return java.util.Arrays.stream(words).map(w -> "'" + w + "'").collect(Collectors.joining(" "));
  }

  private static boolean onPath(String program) {
    for (String path : System.getenv("PATH").split(":")) {
      if (Files.isExecutable(Path.of(path, program))) {
        return true;
      }
    }
    return false;
  }
}
