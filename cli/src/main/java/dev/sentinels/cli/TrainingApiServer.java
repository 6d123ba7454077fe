package dev.sentinels.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A loopback HTTPS server that answers the reads of {@code status}, {@code queue} and {@code nodes}
 * like a Kubernetes API server, for the class-cache training: the TLS handshake, the streaming list
 * reader and the job-state derivation all run, so the cache holds them. Its key comes from the
 * JDK's own keytool, made in the training's scratch directory.
 */
final class TrainingApiServer implements AutoCloseable {

  private final HttpsServer server;

  private TrainingApiServer(HttpsServer server) {
    this.server = server;
  }

  /** Starts on a free loopback port, answering {@code responses} (path to JSON), 404 elsewhere. */
  static TrainingApiServer start(Path scratch, Map<String, String> responses)
      throws IOException, java.security.GeneralSecurityException, InterruptedException {
    char[] password = "training".toCharArray();
    Path keystore = scratch.resolve("training.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process generate =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "training",
                "-keyalg",
                "EC",
                "-dname",
                "CN=localhost",
                "-ext",
                "san=ip:127.0.0.1",
                "-validity",
                "1",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                new String(password))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!generate.waitFor(60, TimeUnit.SECONDS) || generate.exitValue() != 0) {
      throw new IOException("keytool could not make the training key");
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(keystore.toFile())) {
      keys.load(in, password);
    }
    KeyManagerFactory managers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    managers.init(keys, password);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(managers.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/", exchange -> answer(exchange, responses));
    server.start();
    return new TrainingApiServer(server);
  }

  private static void answer(HttpExchange exchange, Map<String, String> responses)
      throws IOException {
    String body = responses.get(exchange.getRequestURI().getPath());
    int code = body == null ? 404 : 200;
    if (body == null) {
      body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":404}";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
