package dev.sentinels.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * A {@code sentinel} executable in a directory of its own that runs this build, for tests that
 * drive it from a real shell or terminal (completion scripts, tmux).
 */
public final class SentinelOnPath {

  private SentinelOnPath() {}

  /** Writes {@code dir/sentinel} and returns it. */
  public static Path write(Path dir) throws IOException {
    String command =
        CliProcess.builder().command().stream()
            .map(arg -> "'" + arg.replace("'", "'\\''") + "'")
            .collect(Collectors.joining(" "));
    Files.createDirectories(dir);
    Path sentinel = dir.resolve("sentinel");
    Files.writeString(sentinel, "#!/bin/sh\nexec " + command + " \"$@\"\n");
    sentinel.toFile().setExecutable(true);
    return sentinel;
  }
}
