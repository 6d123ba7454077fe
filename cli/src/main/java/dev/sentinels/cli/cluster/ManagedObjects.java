package dev.sentinels.cli.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;

/** What Sentinels keeps in a namespace, as sources for watches: records, Jobs and their pods. */
final class ManagedObjects {

  private ManagedObjects() {}

  static Informable<ConfigMap> records(KubernetesClient client, String namespace) {
    return client
        .configMaps()
        .inNamespace(namespace)
        .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
  }

  static Informable<Job> jobs(KubernetesClient client, String namespace) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(namespace)
        .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
  }

  static Informable<Pod> pods(KubernetesClient client, String namespace) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
  }
}
