package dev.sentinels.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobState;
import dev.sentinels.cli.command.ErrorReport;
import dev.sentinels.cli.engine.Doctor;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.testcluster.TestCluster;
import dev.sentinels.testcluster.TestClusterExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart in {@code helm/sentinels}, with the real helm (scripts/helm-binary.sh) and the test
 * cluster's API server: lint, a matrix of values rendered and accepted by a server-side dry run, a
 * corpus of bad values refused by the schema with the field named, and the people's roles isolating
 * namespaces (impersonation against real RBAC).
 */
@ExtendWith(TestClusterExtension.class)
class HelmChartTest {

  private static final Path ROOT = repositoryRoot();
  private static final Path CHART = ROOT.resolve("helm/sentinels");

  /** Values a DevOps engineer would combine, each rendered and dry-run on its own. */
  static Stream<Arguments> matrix() {
    return Stream.of(
        Arguments.of("defaults", List.of()),
        Arguments.of(
            "two namespaces, users and admins bound",
            List.of(
                "namespaces={NS_A,NS_B}",
                "rbac.users[0].kind=Group",
                "rbac.users[0].name=ml-team",
                "rbac.users[0].apiGroup=rbac.authorization.k8s.io",
                "rbac.admins[0].kind=User",
                "rbac.admins[0].name=dana",
                "rbac.admins[0].apiGroup=rbac.authorization.k8s.io")),
        Arguments.of("all namespaces", List.of("allNamespaces=true")),
        Arguments.of(
            "classes, queues, Kubernetes PriorityClasses",
            List.of(
                "config.priorityClasses[0].name=chart-batch",
                "config.priorityClasses[0].value=10",
                "config.priorityClasses[1].name=chart-prod",
                "config.priorityClasses[1].value=500",
                "config.defaultPriority=chart-batch",
                "config.queues[0].name=research",
                "config.queues[0].quota.gpu=4",
                "config.starvationTimeout=15m",
                "kubernetesPriorityClasses.create=true")),
        Arguments.of(
            "MLflow on a dedicated node",
            List.of(
                "mlflow.enabled=true",
                "observability.nodeSelector.dedicated=observability",
                "observability.tolerations[0].key=dedicated",
                "observability.tolerations[0].operator=Exists",
                "observability.tolerations[0].effect=NoSchedule",
                "mlflow.allowedHosts[0]=mlflow.example.com")),
        Arguments.of(
            "records deleted on uninstall, in two namespaces",
            List.of("records.deleteOnUninstall=true", "namespaces={NS_A,NS_B}")),
        Arguments.of(
            "an existing MLflow, pinned image, one replica",
            List.of(
                "mlflow.externalUrl=http://mlflow.mlflow.svc:5000",
                "image.digest=sha256:" + "a".repeat(64),
                "scheduler.replicas=1")),
        Arguments.of(
            "log shipper to a secured Elasticsearch",
            List.of(
                "logs.shipper.enabled=true",
                "logs.elasticsearch.url=https://elasticsearch.logging.svc:9200",
                "logs.elasticsearch.username=sentinels",
                "logs.elasticsearch.passwordSecretRef.name=es-credentials",
                "logs.elasticsearch.passwordSecretRef.key=password",
                "logs.elasticsearch.caSecretRef.name=es-ca",
                "logs.elasticsearch.caSecretRef.key=ca.crt",
                "logs.shipper.image.digest=sha256:" + "b".repeat(64),
                "logs.shipper.hostNetwork=true",
                "logs.shipper.priorityClassName=system-node-critical")),
        Arguments.of(
            "the chart's Elasticsearch and the shipper, on a dedicated node",
            List.of(
                "elasticsearch.enabled=true",
                "logs.shipper.enabled=true",
                "observability.nodeSelector.dedicated=observability",
                "observability.tolerations[0].key=dedicated",
                "observability.tolerations[0].operator=Exists",
                "elasticsearch.heap=2g",
                "elasticsearch.resources.limits.memory=4Gi",
                "elasticsearch.settings.indices\\.memory\\.index_buffer_size=20%")),
        Arguments.of(
            "Prometheus and Alertmanager to Slack, on a dedicated node, alert thresholds moved",
            List.of(
                "prometheus.enabled=true",
                "prometheus.persistence.enabled=true",
                "prometheus.extraScrapeConfigs[0].job_name=kubelet",
                "alertmanager.enabled=true",
                "alertmanager.slack.webhookSecretRef.name=sentinel-notify",
                "alertmanager.slack.webhookSecretRef.key=slack",
                "alertmanager.slack.channel=#ml-platform",
                "observability.nodeSelector.dedicated=observability",
                "alerts.queueWait.seconds=3600",
                "alerts.labels.team=ml-platform")),
        Arguments.of(
            "logs read by API key, no shipper",
            List.of(
                "logs.elasticsearch.url=http://elasticsearch:9200",
                "logs.elasticsearch.apiKeySecretRef.name=es-credentials",
                "logs.elasticsearch.apiKeySecretRef.key=apiKey")),
        Arguments.of(
            "no scheduler, no roles",
            List.of("scheduler.enabled=false", "rbac.userRoles=false", "rbac.create=false")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matrix")
  void rendersLintsAndPassesAServerSideDryRun(String name, List<String> sets, TestCluster cluster)
      throws Exception {
    String nsA = cluster.createNamespace("chart-a");
    String nsB = cluster.createNamespace("chart-b");
    try {
      List<String> resolved =
          sets.stream().map(s -> s.replace("NS_A", nsA).replace("NS_B", nsB)).toList();
      Result lint = helm(withSets(List.of("lint", "--strict", CHART.toString()), resolved));
      assertEquals(0, lint.exit, lint::all);

      Result template =
          helm(withSets(List.of("template", "dry", CHART.toString(), "-n", nsA), resolved));
      assertEquals(0, template.exit, template::all);
      assertTrue(template.out.contains("kind: ConfigMap"), template.out);
      // Cluster-scoped objects have fixed names; a second run of the matrix must not collide, so
      // the dry run is the check, and nothing is created.
      Path manifest = Files.createTempFile("chart", ".yaml");
      Files.writeString(manifest, template.out);
      Result dryRun =
          run(
              List.of(
                  cluster.binDir().resolve("kubectl").toString(),
                  "--kubeconfig",
                  cluster.kubeconfig().toString(),
                  "apply",
                  "--dry-run=server",
                  "-f",
                  manifest.toString()),
              null);
      assertEquals(0, dryRun.exit, dryRun::all);
      Files.delete(manifest);
    } finally {
      cluster.admin().namespaces().withName(nsA).delete();
      cluster.admin().namespaces().withName(nsB).delete();
    }
  }

  /**
   * Bad values and what the refusal must name: the field (as helm says it, a JSON pointer), so the
   * fix is obvious.
   */
  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("scheduler.replicas=-1", "/scheduler/replicas"),
        Arguments.of("scheduler.replicas=two", "/scheduler/replicas"),
        Arguments.of("scheduler.healthPort=70000", "/scheduler/healthPort"),
        Arguments.of("scheduler.replica=2", "replica"),
        Arguments.of("namespaces={Team_A}", "namespaces"),
        Arguments.of("allNamespaces=maybe", "allNamespaces"),
        Arguments.of("image.digest=latest", "/image/digest"),
        Arguments.of("image.pullPolicy=Sometimes", "/image/pullPolicy"),
        Arguments.of("config.priorityClasses[0].name=Batch", "/config/priorityClasses"),
        Arguments.of("config.priorityClasses[0].name=batch", "value"),
        Arguments.of("config.queues[0].quota.gpu=-1", "/config/queues"),
        Arguments.of("config.queues[0].quota.disk=1", "disk"),
        Arguments.of("config.starvationTimeout=soon", "/config/starvationTimeout"),
        Arguments.of("mlflow.externalUrl=mlflow:5000", "/mlflow/externalUrl"),
        Arguments.of("mlflow.persistence.size=lots", "/mlflow/persistence/size"),
        Arguments.of("rbac.users[0].kind=Robot", "/rbac/users"),
        Arguments.of("scheduler.terminationGracePeriodSeconds=1", "terminationGracePeriodSeconds"),
        Arguments.of("observability.nodeSelectors.x=y", "nodeSelectors"),
        Arguments.of("records.deleteOnUninstall=sometimes", "/records/deleteOnUninstall"),
        Arguments.of("mlflow.allowedHosts[0]=a b", "/mlflow/allowedHosts"),
        Arguments.of("logs.shipper.enabled=true", "/logs/elasticsearch/url"),
        Arguments.of("logs.elasticsearch.url=elasticsearch:9200", "/logs/elasticsearch/url"),
        Arguments.of("logs.elasticsearch.passwordSecretRef.name=es", "passwordSecretRef"),
        Arguments.of("logs.elasticsearch.password=hunter2", "password"),
        Arguments.of("logs.elasticsearch.apiKeySecretRef.name=Es_Creds", "apiKeySecretRef"),
        Arguments.of("logs.shipper.podLogsDir=var/log/pods", "/logs/shipper/podLogsDir"),
        Arguments.of("logs.shipper.flushInterval=soon", "/logs/shipper/flushInterval"),
        Arguments.of("logs.shipper.image.digest=latest", "/logs/shipper/image/digest"),
        Arguments.of("logs.shipper.resources.limits.memory=lots", "/logs/shipper/resources"),
        Arguments.of("logs.shipper.hostNetwork=yes", "/logs/shipper/hostNetwork"),
        Arguments.of("elasticsearch.heap=lots", "/elasticsearch/heap"),
        Arguments.of("elasticsearch.port=0", "/elasticsearch/port"),
        Arguments.of("elasticsearch.persistence.size=big", "/elasticsearch/persistence/size"),
        Arguments.of("elasticsearch.image.digest=latest", "/elasticsearch/image/digest"),
        Arguments.of("elasticsearch.enable=true", "enable"),
        Arguments.of("elasticsearch.settings.Bad=1", "/elasticsearch/settings"),
        Arguments.of("metrics.serviceMonitor.enabled=maybe", "/metrics/serviceMonitor/enabled"),
        Arguments.of("metrics.serviceMonitor.interval=often", "/metrics/serviceMonitor/interval"),
        Arguments.of("alerts.capacity.share=90", "/alerts/capacity/share"),
        Arguments.of("alerts.queueWait.seconds=-1", "/alerts/queueWait/seconds"),
        Arguments.of("alerts.queueWait.for=5 minutes", "/alerts/queueWait/for"),
        Arguments.of("alerts.failureRate.minJobs=0", "/alerts/failureRate/minJobs"),
        Arguments.of("alerts.labels.bad-name=x", "/alerts/labels"),
        Arguments.of("alerts.pluginFailure.count=1", "pluginFailure"),
        Arguments.of("alertmanager.enabled=true", "/alertmanager/slack/webhookSecretRef/name"),
        Arguments.of("alertmanager.slack.channel=ml-platform", "/alertmanager/slack/channel"),
        Arguments.of("alertmanager.groupBy[0]=name space", "/alertmanager/groupBy"),
        Arguments.of("prometheus.retention=forever", "/prometheus/retention"),
        Arguments.of("prometheus.extraScrapeConfigs[0].scrape_interval=5s", "job_name"),
        Arguments.of("prometheus.image.digest=latest", "/prometheus/image/digest"),
        Arguments.of("dashboards.label=grafana dashboard", "/dashboards/label"),
        Arguments.of("dashboards.enabled=yes", "/dashboards/enabled"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void badValuesAreRefusedWithTheFieldNamed(String set, String field) {
    Result result = helm(List.of("template", "bad", CHART.toString(), "--set", set));
    assertNotEquals(0, result.exit, () -> set + " was accepted:\n" + result.out);
    assertTrue(
        result.err.contains("values don't meet the specifications of the schema"), result.err);
    assertTrue(result.err.contains(field), () -> "does not name " + field + ":\n" + result.err);
  }

  @Test
  void theSchedulersMetricsAreScrapedByAnnotationOrAServiceMonitorWhenItsCrdExists() {
    List<String> metrics =
        List.of(
            "template", "m", CHART.toString(), "--show-only", "templates/scheduler-metrics.yaml");
    Result plain = helm(metrics);
    assertEquals(0, plain.exit, plain::all);
    assertTrue(plain.out.contains("prometheus.io/scrape: \"true\""), plain.out);
    assertTrue(plain.out.contains("prometheus.io/port: \"8080\""), plain.out);
    assertFalse(plain.out.contains("kind: ServiceMonitor"), plain.out);
    List<String> withCrd = new ArrayList<>(metrics);
    withCrd.addAll(
        List.of(
            "--api-versions",
            "monitoring.coreos.com/v1/ServiceMonitor",
            "--set",
            "metrics.serviceMonitor.labels.release=kube-prometheus"));
    Result monitored = helm(withCrd);
    assertTrue(monitored.out.contains("kind: ServiceMonitor"), monitored.out);
    assertTrue(monitored.out.contains("release: kube-prometheus"), monitored.out);
    assertTrue(monitored.out.contains("port: http-metrics"), monitored.out);
    List<String> off = new ArrayList<>(withCrd);
    off.addAll(List.of("--set", "metrics.enabled=false"));
    assertNotEquals(0, helm(off).exit, "nothing to show once off");
  }

  @Test
  void anElasticsearchSettingTheChartOwnsIsRefusedWithTheFieldNamed() {
    Result result =
        helm(
            List.of(
                "template",
                "bad",
                CHART.toString(),
                "--set",
                "elasticsearch.enabled=true",
                "--set",
                "elasticsearch.settings.discovery\\.type=multi-node"));
    assertNotEquals(0, result.exit, result::all);
    assertTrue(
        result.err.contains("elasticsearch.settings.discovery.type is set by the chart; remove it"),
        result.err);
  }

  @Test
  void deletingRecordsOnUninstallWithoutTheSchedulersAccountIsRefusedWithTheReason() {
    Result result =
        helm(
            List.of(
                "template",
                "bad",
                CHART.toString(),
                "--set",
                "records.deleteOnUninstall=true,scheduler.enabled=false"));
    assertNotEquals(0, result.exit, result::all);
    assertTrue(
        result.err.contains(
            "records.deleteOnUninstall: needs scheduler.enabled and rbac.create (the cleanup runs"
                + " with the scheduler's ServiceAccount)"),
        result::all);
  }

  @Test
  void aUserBoundInOneNamespaceCannotSeeOrTouchJobsOfAnother(TestCluster cluster) throws Exception {
    String home = cluster.createNamespace("rbac-home");
    String other = cluster.createNamespace("rbac-other");
    String release = "rbac-" + home.substring(home.length() - 8);
    try {
      // The people's roles from the chart, and a job in each namespace (as admins see them).
      String values =
          "namespaces: ["
              + home
              + ", "
              + other
              + "]\n"
              + "scheduler: {enabled: false}\n"
              + "rbac:\n  users: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]\n";
      Path valuesFile = Files.createTempFile("rbac-values", ".yaml");
      Files.writeString(valuesFile, values);
      Result template =
          helm(
              List.of(
                  "template", release, CHART.toString(), "-n", home, "-f", valuesFile.toString()));
      assertEquals(0, template.exit, template::all);
      // Bind alice only in her home namespace.
      String onlyHome =
          Stream.of(template.out.split("(?m)^---$"))
              .filter(
                  doc ->
                      !(doc.contains("kind: RoleBinding") && doc.contains("namespace: " + other)))
              .collect(java.util.stream.Collectors.joining("\n---\n"));
      Path manifest = Files.createTempFile("rbac", ".yaml");
      Files.writeString(manifest, onlyHome);
      Result apply =
          kubectl(
              cluster, "apply", "--server-side", "--force-conflicts", "-f", manifest.toString());
      assertEquals(0, apply.exit, apply::all);

      String jobInOther;
      try (Engine admin = ClusterFixture.adminEngine(cluster, other)) {
        jobInOther =
            admin
                .submit(
                    ClusterFixture.spec(
                        "theirs", ClusterFixture.cpus(1), null, Duration.ofMinutes(5), false))
                .id();
      }

      try (Engine alice =
          new Engine(
              new KubernetesBackend(cluster.impersonating("alice"), home, Clock.systemUTC()),
              Clock.systemUTC())) {
        String mine =
            alice
                .submit(
                    ClusterFixture.spec(
                        "mine", ClusterFixture.cpus(1), null, Duration.ofMinutes(5), false))
                .id();
        assertEquals(mine, alice.list(Set.of()).get(0).id());
        alice.cancel(mine, "by alice");
        assertEquals(JobState.CANCELLED, alice.get(mine).state());

        // doctor, as alice sees it: everyday work allowed; with no scheduler installed and no
        // right to admit herself (nodes are cluster-wide), her jobs would wait: that fails.
        Doctor.Report report = alice.diagnose();
        assertEquals(Doctor.Outcome.OK, check(report, "permissions").outcome(), report::toString);
        assertEquals(
            "may read jobs, submit, cancel and read logs", check(report, "permissions").detail());
        Doctor.Check scheduler = check(report, "scheduler");
        assertEquals(Doctor.Outcome.FAIL, scheduler.outcome(), report::toString);
        assertTrue(
            scheduler
                .detail()
                .contains("you may not admit from here (needs list nodes across the cluster)"),
            scheduler::detail);
        assertEquals(Doctor.Outcome.WARN, check(report, "capacity").outcome(), report::toString);
        assertEquals(ExitCodes.FAILED, report.exitCode(false));
      }
      try (Engine alice =
          new Engine(
              new KubernetesBackend(cluster.impersonating("alice"), other, Clock.systemUTC()),
              Clock.systemUTC())) {
        Doctor.Check permissions = check(alice.diagnose(), "permissions");
        assertEquals(Doctor.Outcome.FAIL, permissions.outcome());
        assertTrue(
            permissions
                .detail()
                .startsWith("may not read jobs (needs list configmaps in " + other + ")"),
            permissions::detail);
        forbidden("list", () -> alice.list(Set.of()));
        forbidden("describe", () -> alice.get(jobInOther));
        forbidden("cancel", () -> alice.cancel(jobInOther, "by alice"));
        forbidden(
            "logs",
            () ->
                alice.logs(
                    jobInOther,
                    false,
                    null,
                    new java.io.PrintStream(java.io.OutputStream.nullOutputStream())));
      }
      // Secrets stay out of reach even at home (plugin credentials live there).
      Result secrets =
          kubectl(cluster, "auth", "can-i", "get", "secrets", "-n", home, "--as", "alice");
      assertEquals("no", secrets.out.trim(), secrets::all);
    } finally {
      kubectl(
          cluster,
          "delete",
          "clusterrole",
          "sentinels-user",
          "sentinels-admin",
          "sentinels-viewer",
          "--ignore-not-found");
      cluster.admin().namespaces().withName(home).delete();
      cluster.admin().namespaces().withName(other).delete();
    }
  }

  @Test
  void installGuideHoldsEveryValueAsValuesYamlDescribesIt() {
    Result check = run(List.of(ROOT.resolve("scripts/helm-docs.sh").toString(), "--check"), null);
    assertEquals(0, check.exit, check::all);
  }

  static Doctor.Check check(Doctor.Report report, String name) {
    return report.checks().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no check " + name + " in " + report));
  }

  private static void forbidden(String what, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      assertEquals(ExitCodes.FORBIDDEN, ErrorReport.exitCode(e), () -> what + ": " + e);
      assertTrue(ErrorReport.message(e).contains("forbidden"), () -> what + ": " + e.getMessage());
      return;
    }
    throw new AssertionError(what + " in another namespace was allowed");
  }

  private static List<String> withSets(List<String> args, List<String> sets) {
    List<String> all = new ArrayList<>(args);
    for (String set : sets) {
      all.add("--set");
      all.add(set);
    }
    return all;
  }

  record Result(int exit, String out, String err) {
    String all() {
      return "exit " + exit + "\n" + out + "\n" + err;
    }
  }

  /** helm against the test cluster: {@code args} and its kubeconfig. */
  /** The release's pod of {@code component} (its app.kubernetes.io/component) not being deleted. */
  static io.fabric8.kubernetes.api.model.Pod componentPod(
      TestCluster cluster, String namespace, String component) {
    return cluster
        .admin()
        .pods()
        .inNamespace(namespace)
        .withLabel("app.kubernetes.io/component", component)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .findFirst()
        .orElse(null);
  }

  static Result helm(TestCluster cluster, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--kubeconfig");
    all.add(cluster.kubeconfig().toString());
    return helm(all);
  }

  /**
   * {@code helm install RELEASE} of the chart in {@code namespace} with a values file, waiting up
   * to {@code timeout} (helm's form, {@code 3m}) for its pods to be ready.
   */
  static Result install(
      TestCluster cluster, String release, String namespace, Path values, String timeout) {
    return helm(
        cluster,
        "install",
        release,
        CHART.toString(),
        "-n",
        namespace,
        "-f",
        values.toString(),
        "--wait",
        "--timeout",
        timeout);
  }

  static Result helm(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(helmBinary());
    command.addAll(args);
    return run(command, null);
  }

  static Result kubectl(TestCluster cluster, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                cluster.binDir().resolve("kubectl").toString(),
                "--kubeconfig",
                cluster.kubeconfig().toString()));
    command.addAll(List.of(args));
    return run(command, null);
  }

  private static String helmPath;

  /** helm from the Go module proxy, built once and cached outside the repository. */
  static synchronized String helmBinary() {
    if (helmPath == null) {
      Result built = run(List.of(ROOT.resolve("scripts/helm-binary.sh").toString()), null);
      assertEquals(0, built.exit, built::all);
      helmPath = built.out.trim();
    }
    return helmPath;
  }

  static Result run(List<String> command, Consumer<ProcessBuilder> tweak) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command);
      if (tweak != null) {
        tweak.accept(builder);
      }
      Path err = Files.createTempFile("helm-err", ".txt");
      builder.redirectError(err.toFile());
      Process process = builder.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(600, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not finish");
      }
      String text = Files.readString(err);
      Files.delete(err);
      return new Result(process.exitValue(), out, text);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static Path repositoryRoot() {
    Path here = Path.of("").toAbsolutePath();
    while (here != null && !Files.exists(here.resolve("helm/sentinels/Chart.yaml"))) {
      here = here.getParent();
    }
    if (here == null) {
      throw new IllegalStateException(
          "helm/sentinels not found above " + Path.of("").toAbsolutePath());
    }
    return here;
  }
}
