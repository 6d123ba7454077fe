package dev.sentinels.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fast kubeconfig reader takes the common shapes and leaves the rest to fabric8. */
class KubeconfigTest {

  @TempDir Path dir;

  private Optional<Config> read(String yaml, String context) throws Exception {
    Path file = dir.resolve("config");
    Files.writeString(file, yaml);
    return Kubeconfig.read(file, context);
  }

  private static final String TWO_CONTEXTS =
      """
      apiVersion: v1
      kind: Config
      clusters:
      - name: a
        cluster: {server: "https://a.example:6443", certificate-authority: pki/ca.crt}
      - name: b
        cluster: {server: "https://b.example:6443", insecure-skip-tls-verify: true}
      users:
      - name: cert
        user: {client-certificate: pki/me.crt, client-key: /abs/me.key}
      - name: token
        user: {token: s3cret}
      contexts:
      - name: one
        context: {cluster: a, user: cert, namespace: team-a}
      - name: two
        context: {cluster: b, user: token}
      current-context: one
      """;

  @Test
  void currentContextWithClientCertificateAndRelativePaths() throws Exception {
    Config config = read(TWO_CONTEXTS, null).orElseThrow();
    assertEquals("https://a.example:6443/", config.getMasterUrl());
    assertEquals("team-a", config.getNamespace());
    assertEquals(dir.resolve("pki/ca.crt").toString(), config.getCaCertFile());
    assertEquals(dir.resolve("pki/me.crt").toString(), config.getClientCertFile());
    assertEquals("/abs/me.key", config.getClientKeyFile());
  }

  @Test
  void namedContextWithTokenAndInsecureServer() throws Exception {
    Config config = read(TWO_CONTEXTS, "two").orElseThrow();
    assertEquals("https://b.example:6443/", config.getMasterUrl());
    assertEquals("s3cret", config.getOauthToken());
    assertTrue(config.isTrustCerts());
  }

  @Test
  void execPluginsUnknownContextsAndBrokenFilesAreLeftToFabric8() throws Exception {
    String exec =
        """
        clusters: [{name: c, cluster: {server: "https://c:6443"}}]
        users: [{name: u, user: {exec: {command: aws, apiVersion: client.authentication.k8s.io/v1}}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        current-context: x
        """;
    assertTrue(read(exec, null).isEmpty());
    assertTrue(read(TWO_CONTEXTS, "three").isEmpty());
    assertTrue(read("{not: [valid", null).isEmpty());
  }
}
