package dev.sentinels.elasticsearch;

import dev.sentinels.testcluster.Scripts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real {@link ElasticsearchServer} (one per JVM, security off):
 * {@code @ExtendWith(ElasticsearchServerExtension.class)} and a parameter. Stopped when the JVM's
 * tests end. {@link #startSecure} starts one with TLS and a password for a single test.
 */
public final class ElasticsearchServerExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ElasticsearchServerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == ElasticsearchServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Handle.class, key -> Handle.start(false), Handle.class)
        .server;
  }

  /** A server with security on (TLS, user {@code sentinel}); close it when done. */
  public static Handle startSecure() {
    return Handle.start(true);
  }

  /** A started server; closing stops it and removes its state. */
  public static final class Handle
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    public final ElasticsearchServer server;

    private Handle(ElasticsearchServer server) {
      this.server = server;
    }

    static Handle start(boolean secure) {
      try {
        Path dir = Files.createTempDirectory("sentinel-es-");
        List<String> args = new ArrayList<>(List.of("start", dir.toString()));
        if (secure) {
          args.add("secure");
        }
        String url = run(args).trim();
        return new Handle(new ElasticsearchServer(url, dir));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      run(List.of("stop", server.dir().toString()));
      try (var files = Files.walk(server.dir())) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // A temp directory left behind is harmless.
      }
    }

    private static String run(List<String> args) {
      return Scripts.lastLine(10, "elasticsearch.sh", args.toArray(String[]::new));
    }
  }
}
