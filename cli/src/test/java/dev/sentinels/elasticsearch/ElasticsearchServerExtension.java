package dev.sentinels.elasticsearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
      try {
        List<String> command = new ArrayList<>(List.of(findScript().toString()));
        command.addAll(args);
        Path log = Files.createTempFile("elasticsearch-sh-", ".log");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
          throw new IllegalStateException(
              "scripts/elasticsearch.sh "
                  + String.join(" ", args)
                  + " failed:\n"
                  + Files.readString(log));
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
        Path script = dir.resolve("scripts/elasticsearch.sh");
        if (Files.isExecutable(script)) {
          return script;
        }
      }
      throw new IllegalStateException("scripts/elasticsearch.sh not found");
    }
  }
}
