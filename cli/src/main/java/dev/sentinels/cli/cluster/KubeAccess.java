package dev.sentinels.cli.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.function.Supplier;

/**
 * How the backend talks to the API server: reads through {@link DirectApi} when the kubeconfig
 * allows (fast to start), everything else through a fabric8 client built on first use. A command
 * that only reads never builds the fabric8 client.
 */
final class KubeAccess implements AutoCloseable {

  private final Supplier<KubernetesClient> factory;
  private final DirectApi direct;
  private final String masterUrl;
  private final String defaultNamespace;
  private KubernetesClient client;

  KubeAccess(
      Supplier<KubernetesClient> factory,
      DirectApi direct,
      String masterUrl,
      String defaultNamespace) {
    this.factory = factory;
    this.direct = direct;
    this.masterUrl = masterUrl;
    this.defaultNamespace = defaultNamespace;
  }

  /** Access through an existing fabric8 client only. */
  static KubeAccess of(KubernetesClient client) {
    return new KubeAccess(
        () -> client, null, client.getMasterUrl().toString(), client.getNamespace());
  }

  synchronized KubernetesClient client() {
    if (client == null) {
      client = factory.get();
    }
    return client;
  }

  /** GETs for lists and single objects: direct when possible. */
  StreamingList.Fetch reads() {
    return direct != null ? direct::get : StreamingList.via(client());
  }

  String masterUrl() {
    return masterUrl;
  }

  String defaultNamespace() {
    return defaultNamespace == null || defaultNamespace.isEmpty() ? "default" : defaultNamespace;
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
    }
  }
}
