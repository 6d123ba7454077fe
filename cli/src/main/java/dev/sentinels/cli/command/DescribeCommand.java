package dev.sentinels.cli.command;

import dev.sentinels.api.DataMount;
import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.Toleration;
import dev.sentinels.api.Transition;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.engine.port.DescribeSection;
import dev.sentinels.cli.plugin.JobHooks;
import dev.sentinels.cli.support.Durations;
import dev.sentinels.cli.support.ExitCodes;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "describe",
    description =
        "Show jobs in detail: spec, timeline, Kubernetes objects (or process) and events.",
    mixinStandardHelpOptions = true,
    footer = {"", "Examples:", "  sentinel describe job/mnist-7kq2x", "  sentinel describe A B"})
final class DescribeCommand extends BackendCommand {

  @Parameters(arity = "1..*", paramLabel = "JOB", description = "Job ids or job/<id>.")
  List<String> jobIds;

  @Override
  Set<OutputFormat> formats() {
    return EnumSet.of(OutputFormat.table, OutputFormat.json, OutputFormat.yaml, OutputFormat.name);
  }

  @Override
  boolean printsTables() {
    return false;
  }

  @Override
  void checkArguments() {
    jobIds = JobIds.parse(jobIds);
  }

  @Override
  int run(Engine engine) {
    List<JobRecord> jobs = new ArrayList<>();
    for (String id : jobIds) {
      jobs.add(engine.get(id));
    }
    PrintStream out = out();
    Instant now = Instant.now();
    String namespace = engine.namespace().orElse(null);
    switch (format()) {
      case json, yaml ->
          Printer.objects(
              out,
              format(),
              jobs.stream().map(j -> OutputObjects.job(j, namespace, now)).toList(),
              jobIds.size() == 1);
      case name -> jobs.forEach(j -> out.println("job/" + j.id()));
      default -> {
        for (int i = 0; i < jobs.size(); i++) {
          if (i > 0) {
            out.println();
          }
          describe(out, jobs.get(i), engine.describe(jobs.get(i)), now);
        }
      }
    }
    return ExitCodes.OK;
  }

  private static void describe(
      PrintStream out, JobRecord job, List<DescribeSection> sections, Instant now) {
    JobSpec s = job.spec();
    field(out, "ID", job.id());
    field(out, "Name", s.name());
    field(out, "Project", s.project());
    field(out, "User", job.user());
    field(out, "State", job.state() + (job.reason() == null ? "" : " (" + job.reason() + ")"));
    field(out, "Queue", s.queueOrDefault());
    field(
        out,
        "Priority",
        (s.priority() == null ? "default" : s.priority()) + " (" + job.priorityValue() + ")");
    field(
        out,
        "Submitted",
        Formatting.instant(job.submittedAt())
            + " ("
            + Formatting.since(job.submittedAt(), now)
            + " ago)");
    if (job.runTime(now) != null) {
      field(out, "Run time", Formatting.age(job.runTime(now)));
    }
    field(out, "Node", job.node());
    field(out, "Image", s.image());
    field(
        out,
        "Command",
        String.join(" ", s.command())
            + (s.args().isEmpty() ? "" : " " + String.join(" ", s.args())));
    field(out, "Resources", s.resources().toString());
    field(out, "Timeout", Durations.format(s.timeout()));
    field(out, "Retries", Integer.toString(s.retries()));
    map(out, "Params", s.params());
    map(out, "Env", s.env());
    map(out, "Labels", s.labels());
    if (!s.data().isEmpty()) {
      out.println("Data:");
      for (DataMount d : s.data()) {
        String from = d.claim() != null ? "pvc " + d.claim() : "host " + d.hostPath();
        out.printf(
            "  %s: %s%s -> %s (read-only)%n",
            d.name(), from, d.subPath() == null ? "" : "/" + d.subPath(), d.mountPath());
      }
    }
    map(out, "Node selector", s.nodeSelector());
    if (!s.tolerations().isEmpty()) {
      out.println("Tolerations:");
      s.tolerations().forEach(t -> out.println("  " + toleration(t)));
    }
    field(out, "Artifacts", s.artifacts());
    JobHooks.trackingLink(job).ifPresent(link -> field(out, "Tracking", link));
    dev.sentinels.cli.plugin.JobLogs.link(job).ifPresent(link -> field(out, "Logs", link));
    out.println("Timeline:");
    for (Transition t : job.timeline()) {
      out.printf(
          "  %s %-10s %s%n",
          Formatting.instant(t.at()), t.state(), t.reason() == null ? "" : t.reason());
    }
    for (DescribeSection section : sections) {
      out.println(section.title() + ":");
      section.lines().forEach(line -> out.println("  " + line));
    }
  }

  /** As kubectl describe shows one: {@code key=value:effect}, {@code key:effect op=Exists}. */
  private static String toleration(Toleration t) {
    String key = t.key() == null ? "" : t.key();
    String value = t.value() == null || t.value().isEmpty() ? "" : "=" + t.value();
    String effect = t.effect() == null || t.effect().isEmpty() ? "" : ":" + t.effect();
    String tolerated = key.isEmpty() ? "every taint" : key + value + effect;
    return tolerated + (Toleration.EXISTS.equals(t.operator()) ? " op=Exists" : "");
  }

  private static void field(PrintStream out, String name, String value) {
    out.printf("%-11s %s%n", name + ":", value == null || value.isEmpty() ? "<none>" : value);
  }

  private static void map(PrintStream out, String name, Map<String, String> values) {
    if (values.isEmpty()) {
      return;
    }
    out.println(name + ":");
    values.forEach((k, v) -> out.printf("  %s=%s%n", k, v));
  }
}
