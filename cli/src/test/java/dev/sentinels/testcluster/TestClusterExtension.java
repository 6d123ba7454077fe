package dev.sentinels.testcluster;

import java.nio.file.Path;
import java.util.Map;
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
      Path script = Scripts.dir().resolve("testcluster.sh");
      boolean wasRunning = Scripts.run(Map.of(), script, "status").exitCode() == 0;
      Scripts.Output up = Scripts.run(Map.of(), script, wasRunning ? "env" : "up");
      if (up.exitCode() != 0) {
        throw new IllegalStateException(
            "scripts/testcluster.sh " + (wasRunning ? "env" : "up") + " failed:\n" + up.text());
      }
      Path kubeconfig = null;
      Path binDir = null;
      for (String line : up.text().split("\n")) {
        if (line.startsWith("export KUBECONFIG=")) {
          kubeconfig = Path.of(line.substring("export KUBECONFIG=".length()).trim());
        } else if (line.startsWith("export PATH=")) {
          binDir = Path.of(line.substring("export PATH=".length()).split(":")[0]);
        }
      }
      if (kubeconfig == null || binDir == null) {
        throw new IllegalStateException("scripts/testcluster.sh printed no exports:\n" + up.text());
      }
      boolean keep = "1".equals(System.getenv("SENTINEL_TESTCLUSTER_KEEP"));
      return new Handle(
          new TestCluster(kubeconfig, binDir, script.getParent()), !wasRunning && !keep, script);
    }

    @Override
    public void close() {
      cluster.close();
      if (startedHere) {
        Scripts.run(Map.of(), script, "down");
      }
    }
  }
}
