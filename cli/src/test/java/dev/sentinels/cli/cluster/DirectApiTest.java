package dev.sentinels.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Reads without fabric8's client: the same answers, the same errors. */
@ExtendWith(TestClusterExtension.class)
class DirectApiTest {

  @Test
  void readsWithTheKubeconfigsClientCertificate(TestCluster cluster) throws Exception {
    var config = Kubeconfig.read(cluster.kubeconfig(), null).orElseThrow();
    DirectApi api = DirectApi.from(config).orElseThrow();

    var nodes = StreamingList.getOne(api::get, "/api/v1/nodes");
    assertTrue(nodes.path("items").size() >= 4, nodes.toString().substring(0, 100));
    assertEquals(
        null, StreamingList.getOne(api::get, "/api/v1/namespaces/default/configmaps/nope"));
  }

  @Test
  void readsLargeListsTheServerCompresses(TestCluster cluster) throws Exception {
    // The API server gzips answers over 128 KiB when asked to; 300 maps of 1 KiB are well over.
    String namespace = cluster.createNamespace("gzip");
    String filler = "x".repeat(1024);
    for (int i = 0; i < 300; i++) {
      cluster
          .admin()
          .configMaps()
          .inNamespace(namespace)
          .resource(
              new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("filler-" + i)
                  .endMetadata()
                  .addToData("filler", filler)
                  .build())
          .create();
    }
    DirectApi api =
        DirectApi.from(Kubeconfig.read(cluster.kubeconfig(), null).orElseThrow()).orElseThrow();

    java.util.List<String> fillers = new java.util.ArrayList<>();
    StreamingList.each(
        api::get,
        "/api/v1/namespaces/" + namespace + "/configmaps",
        null,
        null,
        java.util.Set.of("data"),
        item -> {
          if (item.name().startsWith("filler-")) {
            assertEquals(filler, item.fields().get("data").path("filler").asString());
            fillers.add(item.name());
          }
        });

    assertEquals(300, fillers.size());
  }

  @Test
  void readsPkcs1AndPkcs8RsaKeys(@TempDir Path dir) throws Exception {
    Path pkcs1 = dir.resolve("rsa1.key");
    Path pkcs8 = dir.resolve("rsa8.key");
    new ProcessBuilder("openssl", "genrsa", "-traditional", "-out", pkcs1.toString(), "2048")
        .redirectErrorStream(true)
        .start()
        .waitFor();
    new ProcessBuilder(
            "openssl",
            "pkcs8",
            "-topk8",
            "-nocrypt",
            "-in",
            pkcs1.toString(),
            "-out",
            pkcs8.toString())
        .redirectErrorStream(true)
        .start()
        .waitFor();
    String traditional = Files.readString(pkcs1);
    assertTrue(traditional.contains("BEGIN RSA PRIVATE KEY"), traditional);

    Optional<PrivateKey> fromPkcs1 = DirectApi.privateKey(traditional);
    Optional<PrivateKey> fromPkcs8 = DirectApi.privateKey(Files.readString(pkcs8));

    assertTrue(fromPkcs1.isPresent());
    assertEquals(fromPkcs8.orElseThrow(), fromPkcs1.get());
    assertTrue(
        DirectApi.privateKey("-----BEGIN EC PRIVATE KEY-----\nAA==\n-----END EC PRIVATE KEY-----")
            .isEmpty());
  }
}
