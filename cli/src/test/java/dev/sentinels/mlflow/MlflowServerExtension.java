package dev.sentinels.mlflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real {@link MlflowServer}: {@code @ExtendWith(MlflowServerExtension.class)} and an
 * {@code MlflowServer} parameter. The first use in a JVM runs {@code scripts/mlflow.sh start}
 * (which installs mlflow into a cached venv once); the server is stopped when the JVM's tests end.
 */
public final class MlflowServerExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(MlflowServerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == MlflowServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Handle.class, key -> Handle.start(), Handle.class)
        .server;
  }

  private static final class Handle
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final MlflowServer server;
    private final Path script;
    private final Path dir;

    private Handle(MlflowServer server, Path script, Path dir) {
      this.server = server;
      this.script = script;
      this.dir = dir;
    }

    static Handle start() {
      Path script = findScript();
      try {
        Path dir = Files.createTempDirectory("sentinel-mlflow-");
        String python = run(script, "python").trim();
        String url = run(script, "start", dir.toString()).trim();
        return new Handle(new MlflowServer(url, Path.of(python)), script, dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      run(script, "stop", dir.toString());
    }

    private static String run(Path script, String... args) {
      try {
        List<String> command = new java.util.ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("mlflow-sh-", ".log");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(15, TimeUnit.MINUTES) || process.exitValue() != 0) {
          throw new IllegalStateException(
              "scripts/mlflow.sh " + String.join(" ", args) + " failed:\n" + Files.readString(log));
        }
        Files.deleteIfExists(log);
        return out.lines().reduce((a, b) -> b).orElse("");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private static Path findScript() {
      for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
        Path script = dir.resolve("scripts/mlflow.sh");
        if (Files.isExecutable(script)) {
          return script;
        }
      }
      throw new IllegalStateException("scripts/mlflow.sh not found");
    }
  }
}
