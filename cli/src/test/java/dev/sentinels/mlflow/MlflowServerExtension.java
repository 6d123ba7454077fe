package dev.sentinels.mlflow;

import dev.sentinels.testcluster.Scripts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    private final Path dir;

    private Handle(MlflowServer server, Path dir) {
      this.server = server;
      this.dir = dir;
    }

    static Handle start() {
      try {
        Path dir = Files.createTempDirectory("sentinel-mlflow-");
        String python = Scripts.lastLine(15, "mlflow.sh", "python").trim();
        String url = Scripts.lastLine(15, "mlflow.sh", "start", dir.toString()).trim();
        return new Handle(new MlflowServer(url, Path.of(python)), dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      Scripts.lastLine(15, "mlflow.sh", "stop", dir.toString());
    }
  }
}
