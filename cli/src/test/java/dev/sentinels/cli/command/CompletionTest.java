package dev.sentinels.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sentinels.cli.CliRun;
import dev.sentinels.cli.spec.RepositoryFiles;
import dev.sentinels.cli.support.ExitCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The completion scripts, run in the real shells. */
class CompletionTest {

  @TempDir Path dir;

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

  @Test
  void bashCompletesVerbsAndOptions() throws Exception {
    Path script = script("bash");
    assertEquals(
        "status", shell("bash", "-c", complete(script, "COMP_WORDS=(sentinel stat)")).strip());
    String outputs = shell("bash", "-c", complete(script, "COMP_WORDS=(sentinel status -o '')"));
    assertEquals(List.of("table", "wide", "json", "yaml", "name"), List.of(outputs.split("\\s+")));
  }

  @Test
  void fishCompletesVerbsOptionsAndJobIds() throws Exception {
    assumeTrue(onPath("fish"), "fish is not installed (.ci/run installs it)");
    Path script = script("fish");
    // A stand-in sentinel on the PATH answers the job-id query the script makes.
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path fake = bin.resolve("sentinel");
    Files.writeString(fake, "#!/bin/sh\nprintf 'mnist-7kq2x\\nresnet-a1b2c\\n'\n");
    fake.toFile().setExecutable(true);
    String prelude = "set -gx PATH " + bin + " $PATH; source " + script + "; ";

    assertTrue(
        shell("fish", "-c", prelude + "complete -C 'sentinel sta'").startsWith("status\t"), "verb");
    assertTrue(
        shell("fish", "-c", prelude + "complete -C 'sentinel queue --kube'")
            .startsWith("--kubeconfig\t"),
        "option");
    assertEquals(
        "json",
        shell("fish", "-c", prelude + "complete -C 'sentinel status -o js'")
            .split("\t")[0]
            .strip());
    assertEquals(
        List.of("mnist-7kq2x", "resnet-a1b2c"),
        shell("fish", "-c", prelude + "complete -C 'sentinel describe '").lines().toList());
  }

  private Path script(String shell) throws IOException {
    CliRun run = CliRun.of("completion", shell);
    assertEquals(ExitCodes.OK, run.exitCode(), run.err());
    return Files.writeString(dir.resolve("sentinel." + shell), run.out());
  }

  /**
   * Runs picocli's bash completion function for the words given, printing the candidates. compopt
   * only works inside a real completion, so it is a no-op here.
   */
  private static String complete(Path script, String words) {
    return "compopt() { :; }; source "
        + script
        + "; "
        + words
        + "; COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE=\"${COMP_WORDS[*]}\";"
        + " _complete_sentinel; printf '%s\\n' \"${COMPREPLY[@]}\"";
  }

  private static String shell(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), out);
    return out;
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv("PATH").split(":")) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
