package dev.sentinels.cli.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.prometheus.PrometheusTools;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alert rules as helm renders them, checked and unit-tested by the real promtool: every
 * alert has cases that fire and cases that stay quiet (sentinels.rules.test.yaml), and values move
 * thresholds and add labels without breaking the file.
 */
class AlertRulesTest {

  @TempDir Path dir;

  @Test
  void theDefaultRulesPassPromtoolsCheckAndTheirUnitTests() throws Exception {
    Files.writeString(dir.resolve("sentinels.rules.yaml"), PrometheusTools.chartRules());
    try (var cases = getClass().getResourceAsStream("/prometheus/sentinels.rules.test.yaml")) {
      Files.write(dir.resolve("sentinels.rules.test.yaml"), cases.readAllBytes());
    }
    PrometheusTools.Result check =
        PrometheusTools.promtool(dir, "check", "rules", "sentinels.rules.yaml");
    assertEquals(0, check.exitCode(), check.output());
    assertTrue(check.output().contains("SUCCESS: 6 rules found"), check.output());

    PrometheusTools.Result test =
        PrometheusTools.promtool(dir, "test", "rules", "sentinels.rules.test.yaml");
    assertEquals(0, test.exitCode(), test.output());
  }

  @Test
  void valuesMoveThresholdsAndAddLabels() throws Exception {
    String rules =
        PrometheusTools.chartRules(
            "alerts.queueWait.seconds=60",
            "alerts.failureRate.window=2h",
            "alerts.labels.team=ml-platform",
            "alerts.labels.severity=page");
    assertTrue(rules.contains("(sentinels_queue_oldest_queued_seconds) > 60\n"), rules);
    assertTrue(rules.contains("[2h]"), rules);
    assertTrue(rules.contains("labels: {\"severity\":\"page\",\"team\":\"ml-platform\"}"), rules);
    Files.writeString(dir.resolve("r.yaml"), rules);
    PrometheusTools.Result check = PrometheusTools.promtool(dir, "check", "rules", "r.yaml");
    assertEquals(0, check.exitCode(), check.output());
  }

  @Test
  void aPrometheusRuleWhenTheOperatorsCrdsExistOrAskedFor() {
    String rule = "kind: PrometheusRule";
    assertFalse(PrometheusTools.renderAlertRules().output().contains(rule), "auto, no CRDs");
    var withCrds =
        PrometheusTools.renderAlertRules(
            "--api-versions",
            "monitoring.coreos.com/v1/PrometheusRule",
            "--set",
            "alerts.prometheusRule.labels.release=kube-prometheus");
    assertEquals(0, withCrds.exitCode(), withCrds.output());
    assertTrue(withCrds.output().contains(rule), withCrds.output());
    assertTrue(withCrds.output().contains("release: kube-prometheus"), withCrds.output());
    assertTrue(
        PrometheusTools.renderAlertRules("--set", "alerts.prometheusRule.enabled=true")
            .output()
            .contains(rule));
    var off = PrometheusTools.renderAlertRules("--set", "alerts.enabled=false");
    assertFalse(off.output().contains("kind:"), off.output());
  }
}
