package dev.sentinels.testcluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs this checkout's scripts ({@code scripts/testcluster.sh}, {@code scripts/images.sh}, the
 * servers' {@code mlflow.sh} and {@code elasticsearch.sh}).
 */
public final class Scripts {

  private Scripts() {}

  public record Output(int exitCode, String text) {}

  /** The checkout's {@code scripts} directory, found above the working directory. */
  public static Path dir() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("scripts");
      if (Files.isRegularFile(candidate.resolve("testcluster.sh"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("scripts/testcluster.sh not found above " + Path.of(""));
  }

  /**
   * Runs a script with extra environment variables; its progress (stderr) goes to the build log,
   * its stdout is returned.
   */
  public static Output run(Map<String, String> env, Path script, String... args) {
    return run(env, script, 45, args);
  }

  private static Output run(Map<String, String> env, Path script, long minutes, String... args) {
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.addAll(List.of(args));
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
      builder.environment().putAll(env);
      Process process = builder.start();
      StringBuilder out = new StringBuilder();
      try (BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        reader.lines().forEach(line -> out.append(line).append('\n'));
      }
      if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        return new Output(-1, out + "(timed out)");
      }
      return new Output(process.exitValue(), out.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs a script and returns its stdout; a failure is a broken test setup. */
  public static String check(Map<String, String> env, Path script, String... args) {
    return check(env, script, 45, args);
  }

  private static String check(Map<String, String> env, Path script, long minutes, String... args) {
    Output output = run(env, script, minutes, args);
    if (output.exitCode() != 0) {
      throw new IllegalStateException(
          script.getFileName() + " " + String.join(" ", args) + " failed:\n" + output.text());
    }
    return output.text();
  }

  /**
   * Runs {@code scripts/NAME}, allowing it {@code minutes}, and returns the last line it printed (a
   * URL, a path).
   */
  public static String lastLine(long minutes, String name, String... args) {
    return check(Map.of(), dir().resolve(name), minutes, args)
        .lines()
        .reduce((a, b) -> b)
        .orElse("");
  }
}
