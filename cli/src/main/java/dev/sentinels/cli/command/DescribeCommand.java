package dev.sentinels.cli.command;

import dev.sentinels.api.DataMount;
import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.Transition;
import dev.sentinels.cli.engine.Engine;
import dev.sentinels.cli.engine.port.DescribeSection;
import dev.sentinels.cli.support.ExitCodes;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "describe",
    description = "Show a job in detail: spec, timeline, Kubernetes objects and events.",
    mixinStandardHelpOptions = true)
final class DescribeCommand extends BackendCommand {

  @Mixin OutputOptions output;

  @Parameters(paramLabel = "JOB", description = "Job id.")
  String jobId;

  @Override
  int run(Engine engine) {
    JobRecord job = engine.get(jobId);
    PrintStream out = out();
    if (output.structured()) {
      Printer.structured(out, output.format(), job);
      return ExitCodes.OK;
    }
    Instant now = Instant.now();
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
        job.submittedAt() + " (" + Formatting.since(job.submittedAt(), now) + " ago)");
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
    field(
        out,
        "Timeout",
        s.timeout() == null ? null : s.timeout().toString().substring(2).toLowerCase());
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
    field(out, "Artifacts", s.artifacts());
    dev.sentinels.cli.plugin.JobHooks.trackingLink(job)
        .ifPresent(link -> field(out, "Tracking", link));
    map(out, "Attributes", job.attributes());
    out.println("Timeline:");
    for (Transition t : job.timeline()) {
      out.printf("  %-24s %-10s %s%n", t.at(), t.state(), t.reason() == null ? "" : t.reason());
    }
    for (DescribeSection section : engine.describe(job)) {
      out.println(section.title() + ":");
      section.lines().forEach(line -> out.println("  " + line));
    }
    return ExitCodes.OK;
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
