package dev.sentinels.cli.command;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.sentinels.cli.engine.SchedulerHealth;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.SentinelException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The scheduler's probes and metrics on one port, as Kubernetes' own components serve them: {@code
 * /healthz} (liveness: every loop goes round) and {@code /readyz} (readiness: every loop has its
 * watches open), plain text, 200 or 503; {@code /metrics} in Prometheus' text formats, by the
 * prometheus-metrics library's handler on the same JDK server ({@link
 * dev.sentinels.cli.metrics.SchedulerMetrics#handler}).
 */
final class HealthEndpoint implements AutoCloseable {

  private final HttpServer server;

  private HealthEndpoint(HttpServer server) {
    this.server = server;
  }

  static HealthEndpoint start(
      String address, int port, SchedulerHealth health, HttpHandler metrics) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(address, port), 16);
    } catch (BindException e) {
      throw new SentinelException(
          ExitCodes.USAGE,
          "--health-port: cannot listen on " + address + ":" + port + " (" + e.getMessage() + ")",
          e);
    } catch (IOException e) {
      throw new SentinelException(
          ExitCodes.INTERNAL, "--health-port: " + address + ":" + port + ": " + e.getMessage(), e);
    }
    server.createContext("/healthz", exchange -> answer(exchange, health::live, health));
    server.createContext("/livez", exchange -> answer(exchange, health::live, health));
    server.createContext("/readyz", exchange -> answer(exchange, health::ready, health));
    server.createContext("/metrics", metrics);
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread thread = new Thread(r, "sentinel-health");
              thread.setDaemon(true);
              return thread;
            }));
    server.start();
    return new HealthEndpoint(server);
  }

  /** The port it listens on (the one asked for, or the one chosen for 0). */
  int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, BooleanSupplier check, SchedulerHealth health)
      throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      boolean ok = check.getAsBoolean();
      byte[] body = ((ok ? "ok\n" : "not ok\n") + health.report()).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(ok ? 200 : 503, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
