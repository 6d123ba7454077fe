package dev.sentinels.cli.command;

import dev.sentinels.api.DataMount;
import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.PriorityClass;
import dev.sentinels.api.Quantities;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Resources;
import dev.sentinels.api.Transition;
import dev.sentinels.cli.engine.port.NodeView;
import dev.sentinels.cli.plugin.JobHooks;
import dev.sentinels.cli.queue.Decision;
import dev.sentinels.cli.queue.QueueUsage;
import dev.sentinels.cli.support.Durations;
import dev.sentinels.cli.support.RecordCodec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What {@code -o json} and {@code -o yaml} print: the documented, stable form of
 * docs/output.schema.json. Objects in kubectl's shape ({@code apiVersion}, {@code kind}, {@code
 * metadata.name}), lists as {@code kind: List} with {@code items}, values written as in a job spec
 * ({@code cpu: 500m}, {@code memory: 1Gi}, {@code timeout: 5m}), effective values filled in, and
 * nothing internal. Built field by field, so a new record attribute never leaks into it.
 */
public final class OutputObjects {

  /** The API group and version of everything Sentinels prints. */
  public static final String API_VERSION = "sentinels.dev/v1alpha1";

  private OutputObjects() {}

  private static ObjectNode object() {
    return RecordCodec.mapper().createObjectNode();
  }

  private static ObjectNode typed(String kind, String name, String namespace) {
    ObjectNode node = object();
    node.put("apiVersion", API_VERSION);
    node.put("kind", kind);
    ObjectNode metadata = node.putObject("metadata");
    metadata.put("name", name);
    if (namespace != null) {
      metadata.put("namespace", namespace);
    }
    return node;
  }

  /** kubectl's list: {@code apiVersion}, {@code kind: List}, {@code items}. */
  public static ObjectNode list(List<? extends JsonNode> items) {
    ObjectNode list = object();
    list.put("apiVersion", API_VERSION);
    list.put("kind", "List");
    list.putArray("items").addAll(items);
    return list;
  }

  /** A job: its spec as a spec file writes it, its status, and when it was submitted. */
  public static ObjectNode job(JobRecord record, String namespace, Instant now) {
    ObjectNode job = typed("Job", record.id(), namespace);
    ObjectNode metadata = (ObjectNode) job.get("metadata");
    metadata.put("creationTimestamp", record.submittedAt().toString());
    strings(metadata.putObject("labels"), record.spec().labels());
    job.set("spec", spec(record.spec()));
    ObjectNode status = job.putObject("status");
    status.put("state", record.state().display());
    putIfPresent(status, "reason", record.reason());
    status.put("user", record.user());
    status.put("priorityValue", record.priorityValue());
    status.put("submittedAt", record.submittedAt().toString());
    putIfPresent(status, "startedAt", record.startedAt());
    putIfPresent(status, "finishedAt", record.finishedAt());
    if (record.runTime(now) != null) {
      status.put("runTime", Durations.format(record.runTime(now)));
    }
    putIfPresent(status, "node", record.node());
    ArrayNode timeline = status.putArray("timeline");
    for (Transition t : record.timeline()) {
      ObjectNode step = timeline.addObject();
      step.put("state", t.state().display());
      step.put("at", t.at().toString());
      putIfPresent(step, "reason", t.reason());
    }
    String tracker = record.attributes().get(JobHooks.TRACKING);
    if (tracker != null) {
      ObjectNode tracking = status.putObject("tracking");
      tracking.put("plugin", tracker);
      JobHooks.trackingLink(record).ifPresent(link -> tracking.put("link", link));
    }
    return job;
  }

  /** The spec with the field names and value forms of a spec file, defaults filled in. */
  static ObjectNode spec(JobSpec spec) {
    ObjectNode node = object();
    node.put("name", spec.name());
    putIfPresent(node, "project", spec.project());
    putIfPresent(node, "image", spec.image());
    spec.command().forEach(node.putArray("command")::add);
    spec.args().forEach(node.putArray("args")::add);
    strings(node.putObject("env"), spec.env());
    ObjectNode params = node.putObject("params");
    spec.params().forEach((name, value) -> params.set(name, typedScalar(value)));
    node.set("resources", resources(spec.resources()));
    putIfPresent(node, "priority", spec.priority());
    node.put("queue", spec.queueOrDefault());
    ArrayNode data = node.putArray("data");
    for (DataMount mount : spec.data()) {
      ObjectNode d = data.addObject();
      d.put("name", mount.name());
      putIfPresent(d, "claim", mount.claim());
      putIfPresent(d, "hostPath", mount.hostPath());
      putIfPresent(d, "subPath", mount.subPath());
      d.put("mountPath", mount.mountPath());
    }
    putIfPresent(node, "artifacts", spec.artifacts());
    if (spec.timeout() != null) {
      node.put("timeout", Durations.format(spec.timeout()));
    }
    node.put("retries", spec.retries());
    strings(node.putObject("labels"), spec.labels());
    strings(node.putObject("annotations"), spec.annotations());
    if (!spec.nodeSelector().isEmpty()) {
      strings(node.putObject("nodeSelector"), spec.nodeSelector());
    }
    if (!spec.tolerations().isEmpty()) {
      ArrayNode tolerations = node.putArray("tolerations");
      for (var t : spec.tolerations()) {
        ObjectNode toleration = tolerations.addObject();
        putIfPresent(toleration, "key", t.key());
        toleration.put("operator", t.operator());
        putIfPresent(toleration, "value", t.value());
        putIfPresent(toleration, "effect", t.effect());
      }
    }
    return node;
  }

  /**
   * A parameter as YAML would type its text: {@code 0.01} a number, {@code true} a boolean, when
   * that text is the number's own form ({@code 007} and {@code 1e-3} stay text, so nothing printed
   * differs from what the job sees).
   */
  static JsonNode typedScalar(String text) {
    if (text.equals("true") || text.equals("false")) {
      return RecordCodec.mapper().getNodeFactory().booleanNode(Boolean.parseBoolean(text));
    }
    if (text.matches("-?(0|[1-9][0-9]{0,17})")) {
      return RecordCodec.mapper().getNodeFactory().numberNode(Long.parseLong(text));
    }
    if (text.matches("-?(0|[1-9][0-9]*)\\.[0-9]*[1-9]") && text.length() <= 17) {
      double value = Double.parseDouble(text);
      if (Double.toString(value).equals(text)) {
        return RecordCodec.mapper().getNodeFactory().numberNode(value);
      }
    }
    return RecordCodec.mapper().getNodeFactory().stringNode(text);
  }

  /** {@code {cpu: 500m, memory: 1Gi, gpu: 1}}; an unlimited dimension (of a quota) is left out. */
  static ObjectNode resources(Resources r) {
    ObjectNode node = object();
    if (r.cpuMillis() < Resources.UNBOUNDED) {
      node.put("cpu", Quantities.formatCpu(r.cpuMillis()));
    }
    if (r.memoryBytes() < Resources.UNBOUNDED) {
      node.put("memory", Quantities.toKubernetesBytes(r.memoryBytes()));
    }
    if (r.gpus() < Resources.UNBOUNDED) {
      node.put("gpu", r.gpus());
    }
    return node;
  }

  /** A queued job's place in the admission order and why it waits. */
  static ObjectNode queuedJob(Decision d, JobRecord record, String namespace, Instant now) {
    ObjectNode node = typed("QueuedJob", d.jobId(), namespace);
    node.put("position", d.position());
    node.put("queue", d.job().queue());
    putIfPresent(node, "priority", record == null ? null : record.spec().priority());
    node.put("priorityValue", d.job().priority());
    node.put("submittedAt", d.job().submittedAt().toString());
    node.put("waiting", Durations.format(java.time.Duration.between(d.job().submittedAt(), now)));
    node.set("resources", resources(d.job().request()));
    node.put("fitsNow", d.admitted());
    node.put("reason", QueueCommand.reason(d));
    if (!d.admitted()) {
      node.put("reasonType", d.reason().getClass().getSimpleName());
    }
    putIfPresent(node, "heldNode", d.reservedNode());
    return node;
  }

  static ObjectNode priorityClass(PriorityClass c, boolean isDefault) {
    ObjectNode node = typed("PriorityClass", c.name(), null);
    node.put("value", c.value());
    node.put("default", isDefault);
    putIfPresent(node, "description", c.description());
    return node;
  }

  static ObjectNode queue(QueueConfig.Queue q, QueueUsage usage) {
    ObjectNode node = typed("Queue", q.name(), null);
    putIfPresent(node, "description", q.description());
    if (q.quota() != null) {
      node.set("quota", resources(q.quota()));
    }
    node.set("held", resources(usage == null ? Resources.ZERO : usage.held()));
    node.put("activeJobs", usage == null ? 0 : usage.activeJobs());
    node.put("waitingJobs", usage == null ? 0 : usage.waitingJobs());
    return node;
  }

  static ObjectNode node(NodeView n) {
    ObjectNode node = typed("Node", n.name(), null);
    node.set("allocatable", resources(n.allocatable()));
    node.set("requested", resources(n.requested()));
    node.set("free", resources(n.free()));
    node.put("pods", n.pods());
    node.put("ready", n.ready());
    node.put("schedulable", n.schedulable());
    return node;
  }

  static ObjectNode plugin(dev.sentinels.cli.plugin.PluginHost.PluginStatus status) {
    ObjectNode node = typed("Plugin", status.id(), null);
    putIfPresent(node, "version", status.version());
    status.kinds().forEach(node.putArray("kinds")::add);
    putIfPresent(node, "configured", status.configured());
    node.put("status", status.healthy() ? "ok" : "error");
    putIfPresent(node, "error", status.error());
    putIfPresent(node, "path", status.path());
    return node;
  }

  /** {@code sentinel doctor}'s report: every check, and whether they all passed. */
  static ObjectNode diagnosis(
      String target, dev.sentinels.cli.engine.Doctor.Report report, boolean passed) {
    ObjectNode node = object();
    node.put("apiVersion", API_VERSION);
    node.put("kind", "Diagnosis");
    node.put("target", target);
    node.put("passed", passed);
    ArrayNode checks = node.putArray("checks");
    for (var check : report.checks()) {
      ObjectNode item = checks.addObject();
      item.put("name", check.name());
      item.put("status", check.outcome().word());
      item.put("detail", check.detail());
    }
    return node;
  }

  static ObjectNode run(dev.sentinels.api.plugin.RunSummary run) {
    ObjectNode node = typed("Run", run.runId(), null);
    putIfPresent(node, "job", run.jobId());
    putIfPresent(node, "name", run.name());
    putIfPresent(node, "status", run.status());
    putIfPresent(node, "startedAt", run.startedAt());
    ObjectNode params = node.putObject("params");
    new java.util.TreeMap<>(run.params()).forEach((k, v) -> params.set(k, typedScalar(v)));
    ObjectNode metrics = node.putObject("metrics");
    new java.util.TreeMap<>(run.metrics()).forEach(metrics::put);
    putIfPresent(node, "link", run.link());
    return node;
  }

  /** Two jobs side by side: each row's values and whether they differ. */
  static ObjectNode comparison(String a, String b, Map<String, String[]> rows) {
    ObjectNode node = object();
    node.put("apiVersion", API_VERSION);
    node.put("kind", "Comparison");
    node.putArray("jobs").add(a).add(b);
    ArrayNode items = node.putArray("rows");
    rows.forEach(
        (key, values) -> {
          ObjectNode row = items.addObject();
          row.put("key", key);
          row.put("a", values[0]);
          row.put("b", values[1]);
          row.put("differs", !values[0].equals(values[1]));
        });
    return node;
  }

  private static void strings(ObjectNode node, Map<String, String> values) {
    values.forEach(node::put);
  }

  private static void putIfPresent(ObjectNode node, String field, Object value) {
    if (value != null) {
      node.put(field, value.toString());
    }
  }
}
