package dev.sentinels.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.cli.cluster.HelmChartTest.Result;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.RecordCodec;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * MLflow from the chart, on the real node, tracking a job end to end, everything inside the cluster
 * as a CI pipeline would run it: a pod of the Sentinels image (ServiceAccount bound to {@code
 * sentinels-user}) submits a spec and waits; its submit opens the MLflow run through the Service
 * name the chart put in {@code sentinel-config}; the in-cluster scheduler admits; the job's pod
 * logs a metric with MLflow's own Python client; the scheduler ends the run. MLflow is then read by
 * its Service IP from the host (the real node's kube-proxy routes it).
 */
@ExtendWith(TestClusterExtension.class)
class HelmMlflowIT {

  @Test
  void theChartsMlflowTracksAJobSubmittedFromInsideTheCluster(TestCluster cluster)
      throws Exception {
    String node = cluster.realNode();
    String sentinel = cluster.image("sentinel");
    String mlflow = cluster.image("mlflow");
    String namespace = cluster.createNamespace("mlflow");
    String release = "ml";
    Path values = Files.createTempFile("helm-mlflow", ".yaml");
    Files.writeString(
        values,
        """
        image: {repository: %s, digest: "%s", pullPolicy: Never}
        scheduler:
          replicas: 1
          nodeSelector: {%s: real}
          tolerations: [{key: %s, operator: Exists, effect: NoSchedule}]
          resources: {requests: {cpu: 50m, memory: 192Mi}, limits: {memory: 384Mi}}
        rbac:
          users: [{kind: ServiceAccount, name: ci, namespace: %s}]
        records: {deleteOnUninstall: true}
        observability:
          nodeSelector: {%s: real}
          tolerations: [{key: %s, operator: Exists, effect: NoSchedule}]
        mlflow:
          enabled: true
          image: {repository: %s, digest: "%s"}
          persistence: {enabled: false}
          workers: 1
        """
            .formatted(
                sentinel.substring(0, sentinel.indexOf('@')),
                sentinel.substring(sentinel.indexOf('@') + 1),
                TestCluster.NODE_KIND_LABEL,
                TestCluster.REAL_NODE_TAINT,
                namespace,
                TestCluster.NODE_KIND_LABEL,
                TestCluster.REAL_NODE_TAINT,
                mlflow.substring(0, mlflow.indexOf('@')),
                mlflow.substring(mlflow.indexOf('@') + 1)));
    try {
      Result install = HelmChartTest.install(cluster, release, namespace, values, "5m");
      assertEquals(0, install.exit(), install::all);
      Pod server =
          cluster
              .admin()
              .pods()
              .inNamespace(namespace)
              .withLabel("app.kubernetes.io/component", "mlflow")
              .list()
              .getItems()
              .get(0);
      assertEquals(node, server.getSpec().getNodeName(), "MLflow runs on the dedicated node");

      // The test reads MLflow through a port-forward to its pod: the real node has a network
      // namespace of its own, so Service IPs route there, not on this host.
      var forward =
          cluster
              .admin()
              .pods()
              .inNamespace(namespace)
              .withName(server.getMetadata().getName())
              .portForward(5000);
      String base = "http://127.0.0.1:" + forward.getLocalPort();
      ClusterFixture.await("MLflow to answer", Duration.ofSeconds(60), () -> health(base));

      // The pipeline's identity and its job: the spec logs a metric with MLflow's own client.
      cluster
          .admin()
          .serviceAccounts()
          .inNamespace(namespace)
          .resource(
              new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName("ci")
                  .endMetadata()
                  .build())
          .create();
      String spec =
          "name: tracked\nimage: "
              + mlflow
              + "\ncommand: [python3, -c, \"import mlflow; mlflow.log_metric('loss', 0.25);"
              + " print('logged')\"]\nparams: {lr: 0.5}\nresources: {cpu: 100m, memory: 1Gi}\n"
              + RealNodeJobsTest.ON_REAL_NODE;
      cluster
          .admin()
          .configMaps()
          .inNamespace(namespace)
          .resource(
              new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("pipeline-spec")
                  .endMetadata()
                  .withData(Map.of("spec.yaml", spec))
                  .build())
          .create();
      Pod submitter =
          new PodBuilder()
              .withNewMetadata()
              .withName("pipeline")
              .endMetadata()
              .withNewSpec()
              .withServiceAccountName("ci")
              .withRestartPolicy("Never")
              .withNodeSelector(Map.of(TestCluster.NODE_KIND_LABEL, "real"))
              .addNewToleration()
              .withKey(TestCluster.REAL_NODE_TAINT)
              .withOperator("Exists")
              .withEffect("NoSchedule")
              .endToleration()
              .addNewContainer()
              .withName("submit")
              .withImage(sentinel)
              .withImagePullPolicy("Never")
              // As a pipeline would: wait for doctor to pass (MLflow answering through its
              // Service included), then submit and wait for the job.
              .withCommand("sh", "-c")
              .withArgs(
                  "for i in $(seq 60); do sentinel doctor -n "
                      + namespace
                      + " && break; sleep 2; done; exec sentinel submit -f /spec/spec.yaml -n "
                      + namespace
                      + " --wait")
              .addNewEnv()
              .withName("SENTINEL_HOME")
              .withValue("/tmp/sentinel")
              .endEnv()
              .addNewVolumeMount()
              .withName("spec")
              .withMountPath("/spec")
              .endVolumeMount()
              .endContainer()
              .addNewVolume()
              .withName("spec")
              .withNewConfigMap()
              .withName("pipeline-spec")
              .endConfigMap()
              .endVolume()
              .endSpec()
              .build();
      cluster.admin().pods().inNamespace(namespace).resource(submitter).create();
      try {
        ClusterFixture.await(
            "the pipeline's submit --wait to end",
            Duration.ofMinutes(4),
            () -> {
              Pod pod = cluster.admin().pods().inNamespace(namespace).withName("pipeline").get();
              String phase = pod.getStatus().getPhase();
              return "Succeeded".equals(phase) || "Failed".equals(phase);
            });
      } catch (AssertionError e) {
        throw new AssertionError(
            e.getMessage()
                + "; its log:\n"
                + cluster.admin().pods().inNamespace(namespace).withName("pipeline").getLog(),
            e);
      }
      String log = cluster.admin().pods().inNamespace(namespace).withName("pipeline").getLog();
      assertEquals(
          "Succeeded",
          cluster
              .admin()
              .pods()
              .inNamespace(namespace)
              .withName("pipeline")
              .get()
              .getStatus()
              .getPhase(),
          log);
      assertTrue(!log.contains("tracking unavailable"), log);

      JobRecord record;
      try (Engine admin = ClusterFixture.adminEngine(cluster, namespace)) {
        List<JobRecord> records = admin.list(Set.of());
        assertEquals(1, records.size(), records::toString);
        record = records.get(0);
        assertEquals(JobState.SUCCEEDED, record.state(), record::toString);
      }
      String runId = record.attributes().get("mlflow.runId");
      assertTrue(runId != null && !runId.isEmpty(), record::toString);

      // MLflow itself, by its Service IP: the run ended FINISHED with the param and the metric.
      JsonNode[] run = new JsonNode[1];
      ClusterFixture.await(
          "the scheduler to end the MLflow run",
          Duration.ofSeconds(90),
          () -> {
            run[0] = getRun(base, runId);
            return run[0] != null && "FINISHED".equals(run[0].at("/run/info/status").asString());
          });
      List<String> metrics = new ArrayList<>();
      run[0].at("/run/data/metrics").forEach(m -> metrics.add(m.path("key").asString()));
      assertTrue(metrics.contains("loss"), run[0]::toString);
      List<String> params = new ArrayList<>();
      run[0].at("/run/data/params").forEach(p -> params.add(p.path("key").asString()));
      assertTrue(params.contains("lr"), run[0]::toString);

      forward.close();

      // records.deleteOnUninstall: the uninstall's hook deletes the records and the Jobs.
      Result uninstall =
          HelmChartTest.helm(cluster, "uninstall", release, "-n", namespace, "--wait");
      assertEquals(0, uninstall.exit(), uninstall::all);
      try (Engine admin = ClusterFixture.adminEngine(cluster, namespace)) {
        assertEquals(List.of(), admin.list(Set.of()), "records left after the uninstall");
      }
      assertEquals(
          List.of(),
          cluster.admin().batch().v1().jobs().inNamespace(namespace).list().getItems(),
          "Jobs left after the uninstall");
    } finally {
      HelmChartTest.helm(cluster, "uninstall", release, "-n", namespace);
      cluster.admin().namespaces().withName(namespace).delete();
    }
  }

  private static boolean health(String base) {
    try {
      return HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(base + "/health"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode()
          == 200;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static JsonNode getRun(String base, String runId) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(base + "/api/2.0/mlflow/runs/get?run_id=" + runId))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? RecordCodec.mapper().readTree(response.body()) : null;
    } catch (java.io.IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
