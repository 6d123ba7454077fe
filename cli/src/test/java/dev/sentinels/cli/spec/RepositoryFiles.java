package dev.sentinels.cli.spec;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files kept at the repository root (docs, examples), found from wherever the tests run. */
public final class RepositoryFiles {

  private RepositoryFiles() {}

  public static Path resolve(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve(relative))) {
        return dir.resolve(relative);
      }
    }
    throw new AssertionError(relative + " not found above " + Path.of("").toAbsolutePath());
  }
}
