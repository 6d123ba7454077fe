package dev.sentinels.plugins.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.json.jackson.Jackson3JsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The client for the configured cluster: TLS with the configured CA, credentials as headers. */
final class Connections {

  private Connections() {}

  static ElasticsearchClient client(ElasticsearchSettings settings) {
    HttpHost host =
        new HttpHost(
            settings.url().getHost(),
            settings.url().getPort() > 0
                ? settings.url().getPort()
                : "https".equals(settings.url().getScheme()) ? 443 : 9200,
            settings.url().getScheme());
    List<Header> headers = new ArrayList<>();
    settings
        .apiKey()
        .ifPresent(key -> headers.add(new BasicHeader("Authorization", "ApiKey " + key.reveal())));
    if (settings.password().isPresent()) {
      String pair = settings.username().get().reveal() + ":" + settings.password().get().reveal();
      headers.add(
          new BasicHeader(
              "Authorization",
              "Basic "
                  + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8))));
    }
    int timeout = (int) settings.requestTimeout().toMillis();
    var builder =
        RestClient.builder(host)
            .setDefaultHeaders(headers.toArray(Header[]::new))
            .setRequestConfigCallback(r -> r.setConnectTimeout(5_000).setSocketTimeout(timeout));
    if (settings.url().getPath() != null && !settings.url().getPath().isEmpty()) {
      builder.setPathPrefix(settings.url().getPath());
    }
    if (settings.caFile().isPresent()) {
      SSLContext ssl = trusting(settings);
      builder.setHttpClientConfigCallback(h -> h.setSSLContext(ssl));
    }
    return new ElasticsearchClient(
        new RestClientTransport(builder.build(), new Jackson3JsonpMapper()));
  }

  /** Trusts exactly the CA certificates in the configured PEM file. */
  private static SSLContext trusting(ElasticsearchSettings settings) {
    try (InputStream pem = Files.newInputStream(settings.caFile().get())) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
        trust.setCertificateEntry("ca-" + i++, ca);
      }
      if (i == 0) {
        throw new IllegalArgumentException(
            "plugins.elasticsearch.caFile: no certificate in " + settings.caFile().get());
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "plugins.elasticsearch.caFile: cannot read "
              + settings.caFile().get()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** What Elasticsearch's refusal means to a user, in one line. */
  static Exception refused(ElasticsearchSettings settings, ElasticsearchException e) {
    return refused(settings, e.status(), e.error().type(), e.error().reason());
  }

  /** The same for an answer read without the typed client: its status and error body. */
  static Exception refused(ElasticsearchSettings settings, ResponseException e) {
    int status = e.getResponse().getStatusLine().getStatusCode();
    String type = "error";
    String reason = "";
    try {
      JsonNode error =
          JSON.readTree(EntityUtils.toString(e.getResponse().getEntity())).path("error");
      type = error.path("type").asString(type);
      reason = error.path("reason").asString(reason);
    } catch (IOException | RuntimeException unreadable) {
      // The status says enough.
    }
    return refused(settings, status, type, reason);
  }

  private static Exception refused(
      ElasticsearchSettings settings, int status, String type, String reason) {
    String where = "Elasticsearch at " + settings.url();
    return switch (status) {
      case 401 -> new IllegalStateException(where + " refused the credentials (401)");
      case 403 -> new IllegalStateException(where + " denied access (403): " + reason);
      default ->
          new IllegalStateException(where + " answered " + status + ": " + type + ": " + reason);
    };
  }

  /**
   * The plugin's JSON mapper for what it reads and writes without the typed client; values written
   * one after another go one a line, as the bulk API reads them (NDJSON).
   */
  static final JsonMapper JSON =
      JsonMapper.builder(JsonFactory.builder().rootValueSeparator("\n").build()).build();
}
