package dev.sentinels.cli.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.api.Resources;
import dev.sentinels.cli.engine.port.Capacity;
import dev.sentinels.cli.engine.port.NodeView;
import dev.sentinels.cli.engine.port.PassReport;
import dev.sentinels.cli.engine.port.SchedulerObserver;
import dev.sentinels.cli.plugin.Jobs;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the scheduler's {@code /metrics} says after given passes: the gauges are the last pass's
 * view, counters count each admission and end once, and a namespace forgotten takes its gauges.
 */
class SchedulerMetricsTest {

  private static final Instant SUBMITTED = Instant.parse("2026-12-03T10:00:00Z");
  private static final long GIB = 1L << 30;

  private static final Capacity CAPACITY =
      new Capacity(
          List.of(
              new NodeView(
                  "gpu-1",
                  new Resources(8000, 64 * GIB, 4),
                  new Resources(2000, 8 * GIB, 1),
                  1,
                  true,
                  true),
              new NodeView(
                  "gpu-2", new Resources(8000, 64 * GIB, 4), Resources.ZERO, 0, true, false),
              new NodeView(
                  "cpu-1", new Resources(4000, 16 * GIB, 0), Resources.ZERO, 0, false, true)),
          Map.of(),
          false,
          true);

  private final SchedulerMetrics metrics = new SchedulerMetrics("1.2.3");

  private String scrape() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  private static JobRecord queued(String name) {
    return Jobs.queued(name, "vision", SUBMITTED);
  }

  private static JobRecord admitted(JobRecord job, Duration after) {
    return job.transition(JobState.ADMITTED, "Admitted", SUBMITTED.plus(after));
  }

  @Test
  void aPassIsCountedAndItsViewBecomesTheGauges() throws Exception {
    SchedulerObserver teamA = metrics.scope("team-a");
    JobRecord waiting = queued("waiting");
    JobRecord first = admitted(queued("first"), Duration.ofSeconds(40));
    JobRecord done = Jobs.ended(queued("done"), JobState.FAILED);
    teamA.passed(
        new PassReport(
            List.of(first.id()), List.of(done.id()), null, List.of(waiting, first, done), CAPACITY),
        Duration.ofMillis(30));

    String text = scrape();
    String queue = "queue=\"default\"";
    assertLine(
        text,
        "sentinels_queue_jobs{namespace=\"team-a\",priority_class=\"normal\","
            + queue
            + ",state=\"queued\"} 1.0");
    assertLine(
        text,
        "sentinels_queue_jobs{namespace=\"team-a\",priority_class=\"normal\","
            + queue
            + ",state=\"admitted\"} 1.0");
    assertFalse(
        text.contains("state=\"failed\"} 1.0\nsentinels_queue"), "a finished job is in no queue");
    assertLine(
        text,
        "sentinels_admissions_total{namespace=\"team-a\",priority_class=\"normal\","
            + queue
            + "} 1.0");
    assertLine(
        text,
        "sentinels_jobs_finished_total{namespace=\"team-a\"," + queue + ",state=\"failed\"} 1.0");
    // 40 s from submit to admission: in the 60 s bucket, not the 30 s one.
    assertLine(
        text,
        "sentinels_admission_wait_seconds_bucket{namespace=\"team-a\",priority_class=\"normal\","
            + queue
            + ",le=\"30.0\"} 0");
    assertLine(
        text,
        "sentinels_admission_wait_seconds_bucket{namespace=\"team-a\",priority_class=\"normal\","
            + queue
            + ",le=\"60.0\"} 1");
    assertLine(
        text,
        "sentinels_admission_wait_seconds_sum{namespace=\"team-a\",priority_class=\"normal\","
            + queue
            + "} 40.0");
    assertLine(text, "sentinels_scheduler_pass_duration_seconds_count{namespace=\"team-a\"} 1");
    // The admitted job's request, held by its user in its queue; the queued one holds nothing yet.
    assertTrue(
        text.lines()
            .anyMatch(
                l ->
                    l.startsWith("sentinels_jobs_requested{namespace=\"team-a\"," + queue)
                        && l.contains("resource=\"cpu\"")
                        && l.contains("user=\"alice\"")
                        && l.endsWith("} " + first.spec().resources().cpuMillis() / 1000.0)),
        text);
    assertTrue(
        text.contains("sentinels_queue_oldest_queued_seconds{namespace=\"team-a\"," + queue + "} "),
        "the waiting job's age");
    assertLine(text, "sentinels_scheduler_lease_held{namespace=\"team-a\"} 1.0");
    // Only accepting nodes count: gpu-2 is cordoned, cpu-1 not ready.
    assertLine(text, "sentinels_capacity_allocatable{resource=\"gpu\",unit=\"device\"} 4.0");
    assertLine(text, "sentinels_capacity_requested{resource=\"cpu\",unit=\"core\"} 2.0");
    assertLine(
        text, "sentinels_capacity_free{resource=\"memory\",unit=\"byte\"} " + (double) (56 * GIB));
    assertLine(text, "sentinels_nodes{state=\"accepting\"} 1.0");
    assertLine(text, "sentinels_nodes{state=\"cordoned\"} 1.0");
    assertLine(text, "sentinels_nodes{state=\"not_ready\"} 1.0");
    assertLine(text, "sentinels_build_info{version=\"1.2.3\"} 1");
    assertTrue(text.contains("jvm_memory_used_bytes"), "the JVM's own metrics too");

    // The next pass: the admitted job runs, the waiting one is gone (cancelled); nothing counted
    // again.
    JobRecord running = first.transition(JobState.RUNNING, "Started", SUBMITTED.plusSeconds(50));
    teamA.passed(
        new PassReport(List.of(), List.of(running.id()), null, List.of(running), CAPACITY),
        Duration.ofMillis(10));
    text = scrape();
    assertLine(
        text,
        "sentinels_queue_jobs{namespace=\"team-a\",priority_class=\"normal\","
            + queue
            + ",state=\"running\"} 1.0");
    assertFalse(text.contains("state=\"queued\""), text);
    assertFalse(text.contains("sentinels_queue_oldest_queued_seconds{"), "none waits");
    assertLine(
        text,
        "sentinels_admissions_total{namespace=\"team-a\",priority_class=\"normal\","
            + queue
            + "} 1.0");
    assertLine(
        text,
        "sentinels_jobs_finished_total{namespace=\"team-a\"," + queue + ",state=\"failed\"} 1.0");
  }

  @Test
  void standingBySaysWhoHoldsAndForgettingDropsTheNamespace() throws Exception {
    SchedulerObserver teamB = metrics.scope("team-b");
    teamB.passed(
        new PassReport(List.of(), List.of(), null, List.of(queued("held")), CAPACITY),
        Duration.ofMillis(5));
    teamB.standingBy("scheduler-7f9c@node-2");
    String text = scrape();
    assertLine(text, "sentinels_scheduler_lease_held{namespace=\"team-b\"} 0.0");
    assertFalse(text.contains("sentinels_queue_jobs{namespace=\"team-b\""), "no stale queue view");
    assertLine(
        text,
        "sentinels_scheduler_lease_holder{holder=\"scheduler-7f9c@node-2\",namespace=\"team-b\"} 1.0");

    metrics.forget("team-b");
    // Its gauges go; what it counted stays, as counters do.
    text = scrape();
    assertFalse(text.contains("sentinels_scheduler_lease_held{namespace=\"team-b\""), text);
    assertFalse(text.contains("sentinels_scheduler_lease_holder{holder"), text);
    assertLine(text, "sentinels_scheduler_pass_duration_seconds_count{namespace=\"team-b\"} 1");
  }

  @Test
  void deliveryFailuresAreCountedByPluginAndKind() throws Exception {
    SchedulerObserver local = metrics.scope("local");
    local.deliveryFailed("notify.slack");
    local.deliveryFailed("notify.slack");
    local.deliveryFailed("tracking.mlflow");
    String text = scrape();
    assertLine(
        text, "sentinels_plugin_delivery_failures_total{kind=\"notify\",plugin=\"slack\"} 2.0");
    assertLine(
        text, "sentinels_plugin_delivery_failures_total{kind=\"tracking\",plugin=\"mlflow\"} 1.0");
  }

  @Test
  void anUnboundedLocalCapacityIsNoNumber() throws Exception {
    long unbounded = Resources.UNBOUNDED;
    metrics
        .scope("local")
        .passed(
            new PassReport(
                List.of(),
                List.of(),
                null,
                List.of(),
                new Capacity(
                    List.of(
                        new NodeView(
                            "laptop",
                            new Resources(8000, unbounded, 0),
                            Resources.ZERO,
                            0,
                            true,
                            true)),
                    Map.of(),
                    true,
                    false)),
            Duration.ofMillis(1));
    String text = scrape();
    assertLine(text, "sentinels_capacity_allocatable{resource=\"cpu\",unit=\"core\"} 8.0");
    assertFalse(text.contains("sentinels_capacity_allocatable{resource=\"memory\""), text);
  }

  private static void assertLine(String text, String line) {
    assertTrue(
        text.lines().anyMatch(line::equals),
        () ->
            "no line\n  "
                + line
                + "\nin\n"
                + text.lines()
                    .filter(l -> l.startsWith("sentinels_"))
                    .reduce("", (a, b) -> a + "\n" + b));
  }
}
