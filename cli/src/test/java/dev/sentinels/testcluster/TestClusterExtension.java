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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests the loopback {@link TestCluster}: {@code @ExtendWith(TestClusterExtension.class)} and
 * a {@code TestCluster} parameter. The first use in a JVM runs {@code scripts/testcluster.sh up}
 * (which builds the binaries once and caches them); a cluster that was already running is reused
 * and left running, one this extension started is stopped when the JVM's tests end, unless {@code
 * SENTINEL_TESTCLUSTER_KEEP=1}.
 */
public final class TestClusterExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(TestClusterExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
      throws ParameterResolutionException {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Handle.class, key -> Handle.start(), Handle.class)
        .cluster;
  }

  /** Owns the cluster for the JVM; JUnit closes it after the last test. */
  private static final class Handle
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final TestCluster cluster;
    private final boolean startedHere;
    private final Path script;

    private Handle(TestCluster cluster, boolean startedHere, Path script) {
      this.cluster = cluster;
      this.startedHere = startedHere;
      this.script = script;
    }

    static Handle start() {
      Path script = findScript();
      boolean wasRunning = run(script, "status").exitCode == 0;
      Output up = run(script, wasRunning ? "env" : "up");
      if (up.exitCode != 0) {
        throw new IllegalStateException(
            "scripts/testcluster.sh " + (wasRunning ? "env" : "up") + " failed:\n" + up.text);
      }
      Path kubeconfig = null;
      Path binDir = null;
      for (String line : up.text.split("\n")) {
        if (line.startsWith("export KUBECONFIG=")) {
          kubeconfig = Path.of(line.substring("export KUBECONFIG=".length()).trim());
        } else if (line.startsWith("export PATH=")) {
          binDir = Path.of(line.substring("export PATH=".length()).split(":")[0]);
        }
      }
      if (kubeconfig == null || binDir == null) {
        throw new IllegalStateException("scripts/testcluster.sh printed no exports:\n" + up.text);
      }
      boolean keep = "1".equals(System.getenv("SENTINEL_TESTCLUSTER_KEEP"));
      return new Handle(new TestCluster(kubeconfig, binDir), !wasRunning && !keep, script);
    }

    @Override
    public void close() {
      cluster.close();
      if (startedHere) {
        run(script, "down");
      }
    }

    private static Path findScript() {
      for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
        Path candidate = dir.resolve("scripts/testcluster.sh");
        if (Files.isRegularFile(candidate)) {
          return candidate;
        }
      }
      throw new IllegalStateException("scripts/testcluster.sh not found above " + Path.of(""));
    }

    private record Output(int exitCode, String text) {}

    /** Runs the script; its progress (stderr) goes to the build log, its stdout is returned. */
    private static Output run(Path script, String verb) {
      List<String> command = new ArrayList<>(List.of("bash", script.toString(), verb));
      try {
        Process process =
            new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader reader =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          reader.lines().forEach(line -> out.append(line).append('\n'));
        }
        if (!process.waitFor(45, TimeUnit.MINUTES)) {
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
  }
}
