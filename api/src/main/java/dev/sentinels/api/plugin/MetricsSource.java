package dev.sentinels.api.plugin;

import dev.sentinels.api.JobRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Resource metrics of a job's pods or of the cluster (Prometheus): GPU utilisation, memory. Used by
 * {@code describe} and by resource alerts. Design only: no plugin implements it yet, but the SPI
 * will not change when one does.
 */
public interface MetricsSource extends SentinelExtension {

  /** Series for one job (its pods) between two instants. */
  List<MetricSeries> jobMetrics(JobRecord job, MetricQuery query) throws Exception;

  /** Cluster-wide series, e.g. GPU utilisation per node, for usage alerts. */
  List<MetricSeries> clusterMetrics(MetricQuery query) throws Exception;

  /**
   * @param names metric names in Sentinels' vocabulary: {@code cpu}, {@code memory}, {@code
   *     gpu.utilization}, {@code gpu.memory}
   * @param from first instant
   * @param to last instant
   * @param step resolution
   */
  record MetricQuery(List<String> names, Instant from, Instant to, Duration step) {}

  /**
   * @param name one of the names asked for
   * @param labels what the series is about, e.g. {@code pod}, {@code node}, {@code gpu}
   * @param samples values, oldest first
   */
  record MetricSeries(String name, Map<String, String> labels, List<Sample> samples) {}

  record Sample(Instant at, double value) {}
}
