package dev.sentinels.cli.plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The plugins the build laid out at the top of the checkout, found from wherever tests run. */
public final class BuiltPlugins {

  private BuiltPlugins() {}

  /** {@code target/plugins}: the shipped plugins (mlflow, slack, webhook). */
  public static Path shipped() {
    return find("target/plugins");
  }

  /** {@code target/test-plugins}: fixtures that never ship (a broken plugin). */
  public static Path fixtures() {
    return find("target/test-plugins");
  }

  private static Path find(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("plugins/pom.xml"))) {
        Path built = dir.resolve(relative);
        if (!Files.isDirectory(built)) {
          throw new AssertionError(
              built + " missing: build the plugins first (./mvnw -DskipTests install)");
        }
        return built;
      }
    }
    throw new AssertionError("checkout root not found above " + Path.of("").toAbsolutePath());
  }

  public static List<Path> all() {
    return List.of(shipped(), fixtures());
  }
}
