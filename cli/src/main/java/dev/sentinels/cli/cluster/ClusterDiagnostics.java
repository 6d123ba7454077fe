package dev.sentinels.cli.cluster;

import dev.sentinels.cli.engine.port.Diagnostics;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The cluster's answers for {@code sentinel doctor}: the API server's version, the admission
 * Lease's holder, the Helm labels on {@code sentinel-config}, and SelfSubjectAccessReviews (what
 * {@code kubectl auth can-i} asks) for the permissions each of Sentinels' verbs uses.
 */
final class ClusterDiagnostics implements Diagnostics {

  /** A permission as RBAC names it; {@code clusterWide} for nodes and every namespace's pods. */
  private record Permission(
      String verb, String group, String resource, String subresource, boolean clusterWide) {

    static Permission of(String verb, String group, String resource) {
      return new Permission(verb, group, resource, null, false);
    }

    /** As {@code kubectl auth can-i} takes it: "create configmaps", "get pods/log". */
    String words(String namespace) {
      return verb
          + " "
          + resource
          + (subresource == null ? "" : "/" + subresource)
          + (group.isEmpty() ? "" : "." + group)
          + (clusterWide ? " across the cluster" : " in " + namespace);
    }
  }

  /** The code paths of each capability: the RBAC permissions they use. */
  private static final Map<Capability, List<Permission>> NEEDS =
      Map.of(
          Capability.READ,
          List.of(
              Permission.of("list", "", "configmaps"), Permission.of("watch", "", "configmaps")),
          Capability.SUBMIT,
          List.of(Permission.of("create", "", "configmaps")),
          Capability.CANCEL,
          List.of(
              Permission.of("update", "", "configmaps"), Permission.of("delete", "batch", "jobs")),
          Capability.LOGS,
          List.of(
              Permission.of("list", "", "pods"), new Permission("get", "", "pods", "log", false)),
          Capability.ADMIT,
          List.of(
              Permission.of("update", "coordination.k8s.io", "leases"),
              Permission.of("create", "batch", "jobs"),
              new Permission("list", "", "nodes", null, true),
              new Permission("list", "", "pods", null, true)));

  private final KubeAccess access;
  private final String namespace;
  private final Supplier<AdmissionLease> lease;
  private final Clock clock;

  ClusterDiagnostics(
      KubeAccess access, String namespace, Supplier<AdmissionLease> lease, Clock clock) {
    this.access = access;
    this.namespace = namespace;
    this.lease = lease;
    this.clock = clock;
  }

  @Override
  public String connection() {
    JsonNode version = StreamingList.getOne(access.reads(), "/version");
    String server =
        version == null ? "version unknown" : version.path("gitVersion").asString("unknown");
    return access.masterUrl() + " (Kubernetes " + server + "), namespace " + namespace;
  }

  @Override
  public Optional<Admitter> admitter() {
    return lease
        .get()
        .holder()
        .map(
            h ->
                new Admitter(
                    h.identity(),
                    h.kind() == AdmissionLease.HolderKind.SCHEDULER,
                    h.version(),
                    h.renewedAt() == null
                        ? Duration.ZERO
                        : Duration.between(h.renewedAt().toInstant(), clock.instant()).abs()));
  }

  @Override
  public boolean admitterNeeded() {
    return true;
  }

  @Override
  public Installation installation() {
    String name = "configmap " + namespace + "/" + KubernetesBackend.CONFIG_MAP;
    JsonNode map =
        StreamingList.getOne(
            access.reads(),
            "/api/v1/namespaces/" + namespace + "/configmaps/" + KubernetesBackend.CONFIG_MAP);
    if (map == null) {
      return new Installation("no " + name + ": built-in defaults", Optional.empty());
    }
    JsonNode labels = map.path("metadata").path("labels");
    String chart = labels.path("helm.sh/chart").asString("");
    if (chart.isEmpty()) {
      return new Installation(name, Optional.empty());
    }
    String release =
        map.path("metadata")
            .path("annotations")
            .path("meta.helm.sh/release-name")
            .asString(labels.path("app.kubernetes.io/instance").asString(""));
    String version = labels.path("app.kubernetes.io/version").asString("");
    return new Installation(
        name + " from chart " + chart + (release.isEmpty() ? "" : ", release " + release),
        version.isEmpty() ? Optional.empty() : Optional.of(version));
  }

  @Override
  public Optional<String> missing(Capability capability) {
    for (Permission permission : NEEDS.get(capability)) {
      if (!allowed(permission)) {
        return Optional.of(permission.words(namespace));
      }
    }
    return Optional.empty();
  }

  private boolean allowed(Permission permission) {
    ResourceAttributes attributes =
        new ResourceAttributesBuilder()
            .withNamespace(permission.clusterWide() ? null : namespace)
            .withVerb(permission.verb())
            .withGroup(permission.group())
            .withResource(permission.resource())
            .withSubresource(permission.subresource())
            .build();
    SelfSubjectAccessReview review =
        new SelfSubjectAccessReviewBuilder()
            .withNewSpec()
            .withResourceAttributes(attributes)
            .endSpec()
            .build();
    SelfSubjectAccessReview answer =
        access.client().authorization().v1().selfSubjectAccessReview().create(review);
    return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
  }

  @Override
  public Optional<dev.sentinels.cli.support.SentinelException> explain(RuntimeException e) {
    return ClusterErrors.translate(e);
  }
}
