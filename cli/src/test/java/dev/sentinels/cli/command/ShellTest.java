package dev.sentinels.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sentinels.cli.SentinelOnPath;
import dev.sentinels.cli.support.Sleeping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sentinel shell} in a real terminal: tmux runs it, send-keys types, capture-pane reads the
 * screen. Completion, a bad line then a good one, Ctrl-C during {@code logs -f}, history kept
 * across sessions with reverse search, Ctrl-D to leave.
 */
class ShellTest {

  private static final long SCREEN_WAIT_MILLIS = 30_000;

  @TempDir Path dir;
  private Path sentinel;
  private Path home;
  private final String session = "sentinel-shell-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void setUp() throws IOException {
    assumeTrue(onPath("tmux"), "tmux is not installed (.ci/run installs it)");
    sentinel = SentinelOnPath.write(dir.resolve("bin"));
    home = Files.createDirectories(dir.resolve("home"));
    Files.writeString(home.resolve("config.yaml"), "local: {engine: none, idleTimeout: 5s}\n");
  }

  @AfterEach
  void tearDown() throws Exception {
    tmux("kill-session", "-t", session);
  }

  @Test
  void aSessionCompletesRunsStopsAndRemembers() throws Exception {
    start();
    awaitScreen(s -> s.contains("sentinel (local)>"), "the prompt");

    keys("stat", "Tab");
    awaitScreen(s -> lastLine(s).endsWith("> status"), "status completed");
    keys("Enter");
    awaitScreen(s -> s.contains("No jobs found."), "the status output");

    keys("status --bogus", "Enter");
    awaitScreen(s -> s.contains("error: unknown flag: --bogus"), "the error");
    awaitScreen(s -> lastLine(s).equals("sentinel (local) [2]>"), "the exit code in the prompt");
    keys("priorities", "Enter");
    awaitScreen(s -> s.contains("Runs when nothing else waits."), "the next line still runs");

    keys(
        "submit --name talk --image x -o name -- sh -c 'while true; do echo tick; sleep 0.2; done'",
        "Enter");
    String job =
        awaitScreen(s -> s.contains("job/talk-"), "the submitted job")
            .lines()
            .filter(l -> l.startsWith("job/talk-"))
            .findFirst()
            .orElseThrow();
    keys("logs -f " + job, "Enter");
    awaitScreen(s -> s.contains("tick\ntick"), "the job's output");
    keys("C-c");
    awaitScreen(s -> lastLine(s).endsWith("sentinel (local)>"), "the prompt after Ctrl-C");
    keys("cancel " + job, "Enter");
    awaitScreen(s -> s.contains(job + " cancelled"), "the cancel");

    keys("C-d");
    awaitGone();

    // A new session remembers: reverse search finds the earlier line.
    start();
    awaitScreen(s -> s.contains("sentinel (local)>"), "the prompt again");
    keys("C-r", "priori");
    awaitScreen(
        s -> s.contains("bck-i-search: priori") && s.contains("> priorities"), "reverse search");
    keys("Enter");
    keys("Enter");
    awaitScreen(
        s -> s.lines().filter(l -> l.contains("Runs when nothing else waits.")).count() >= 1,
        "the found line run");
    keys("exit", "Enter");
    awaitGone();
    assertTrue(Files.readString(home.resolve("shell_history")).contains("priorities"));
  }

  private void start() throws Exception {
    tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "160",
        "-y",
        "50",
        "env",
        "SENTINEL_HOME=" + home,
        "TERM=xterm-256color",
        sentinel.toString(),
        "shell");
  }

  private void keys(String... keys) throws Exception {
    List<String> command = new ArrayList<>(List.of("send-keys", "-t", session));
    command.addAll(List.of(keys));
    tmux(command.toArray(String[]::new));
  }

  private String screen() throws Exception {
    return tmux("capture-pane", "-p", "-t", session, "-S", "-100");
  }

  private String awaitScreen(Predicate<String> shows, String what) throws Exception {
    long deadline = System.nanoTime() + SCREEN_WAIT_MILLIS * 1_000_000;
    String screen = screen();
    while (!shows.test(screen)) {
      if (System.nanoTime() > deadline) {
        fail("the screen never showed " + what + ":\n" + screen);
      }
      Sleeping.sleep(100);
      screen = screen();
    }
    return screen;
  }

  private void awaitGone() throws Exception {
    long deadline = System.nanoTime() + SCREEN_WAIT_MILLIS * 1_000_000;
    while (hasSession()) {
      assertFalse(System.nanoTime() > deadline, "the shell did not leave");
      Sleeping.sleep(100);
    }
  }

  private boolean hasSession() throws Exception {
    Process process = new ProcessBuilder("tmux", "has-session", "-t", session).start();
    return process.waitFor() == 0;
  }

  private static String lastLine(String screen) {
    List<String> lines = screen.lines().filter(l -> !l.isBlank()).toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1).stripTrailing();
  }

  private static String tmux(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("tmux"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = process.waitFor();
    if (code != 0 && !args[0].equals("kill-session")) {
      assertEquals(0, code, "tmux " + String.join(" ", args) + ": " + out);
    }
    return out;
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
