package dev.sentinels.cli.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.sentinels.cli.plugin.BuiltPlugins;
import dev.sentinels.cli.plugin.PluginHost;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * WireMock playing Slack ({@code /slack}) and a webhook receiver ({@code /hook}), both answering
 * 200, plus this JVM pointed at the built plugins and an empty Sentinels home.
 */
public final class FakeReceivers implements AutoCloseable {

  public final WireMockServer http = new WireMockServer(wireMockConfig().dynamicPort());

  public FakeReceivers(Path home) {
    http.start();
    http.stubFor(post(urlPathEqualTo("/slack")).willReturn(ok("ok")));
    http.stubFor(post(urlPathEqualTo("/hook")).willReturn(ok()));
    System.setProperty(PluginHost.PLUGINS_DIR_PROPERTY, BuiltPlugins.shipped().toString());
    System.setProperty("sentinel.home", home.toString());
  }

  public String slackUrl() {
    return http.baseUrl() + "/slack";
  }

  public String hookUrl() {
    return http.baseUrl() + "/hook";
  }

  public List<LoggedRequest> slackRequests() {
    return http.findAll(postRequestedFor(urlPathEqualTo("/slack")));
  }

  public List<LoggedRequest> hookRequests() {
    return http.findAll(postRequestedFor(urlPathEqualTo("/hook")));
  }

  /** Puts {@code plugins.yaml} and the Secret {@code sentinel-notify} into the namespace. */
  static void configure(ClusterFixture fixture, String pluginsYaml, Map<String, String> secret) {
    var admin = fixture.cluster.admin();
    admin
        .secrets()
        .inNamespace(fixture.namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("sentinel-notify")
                .endMetadata()
                .withStringData(secret)
                .build())
        .create();
    admin
        .configMaps()
        .inNamespace(fixture.namespace)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(KubernetesBackend.CONFIG_MAP)
                .endMetadata()
                .addToData(KubernetesBackend.PLUGINS_KEY, pluginsYaml)
                .build())
        .create();
  }

  @Override
  public void close() {
    http.stop();
  }
}
