package dev.sentinels.testcluster;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Pods on the test cluster's real node, built and run to their end for the tests that need one. */
final class RealNodePods {

  private RealNodePods() {}

  static Pod pod(String name, Map<String, String> labels, PodSpec spec) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withSpec(TestCluster.onRealNode(spec))
        .build();
  }

  /** One container of an image already on the node; an empty command keeps the image's own. */
  static PodSpec oneContainer(String image, List<String> command, Map<String, String> env) {
    PodSpecBuilder spec = new PodSpecBuilder().withRestartPolicy("Never");
    var container =
        spec.addNewContainer().withName("main").withImage(image).withImagePullPolicy("Never");
    if (!command.isEmpty()) {
      container.withCommand(command);
    }
    env.forEach((name, value) -> container.addNewEnv().withName(name).withValue(value).endEnv());
    return container.endContainer().build();
  }

  /** Runs a one-container pod on the real node and waits until it has succeeded or failed. */
  static Pod runToEnd(
      KubernetesClient client,
      String namespace,
      String name,
      String image,
      List<String> command,
      Map<String, String> env) {
    return runToEnd(client, namespace, pod(name, Map.of(), oneContainer(image, command, env)));
  }

  static Pod runToEnd(KubernetesClient client, String namespace, Pod pod) {
    var pods = client.pods().inNamespace(namespace);
    pods.resource(pod).create();
    return pods.withName(pod.getMetadata().getName())
        .waitUntilCondition(
            p ->
                p != null
                    && p.getStatus() != null
                    && List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()),
            120,
            TimeUnit.SECONDS);
  }

  static ContainerStateTerminated terminated(Pod pod) {
    return pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
  }

  static String log(KubernetesClient client, String namespace, String pod) {
    return client.pods().inNamespace(namespace).withName(pod).getLog();
  }
}
