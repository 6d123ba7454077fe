package dev.sentinels.plugins.mlflow;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
import dev.sentinels.api.plugin.PluginConfig;
import dev.sentinels.api.plugin.RunSummary;
import dev.sentinels.api.plugin.TrackedRun;
import dev.sentinels.api.plugin.TrackingBackend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import org.pf4j.Extension;

/**
 * An MLflow run per job, through MLflow's own Java client.
 *
 * <pre>
 * plugins:
 *   mlflow:
 *     trackingUri: http://mlflow.example:5000     # what Sentinels talks to
 *     jobTrackingUri: http://mlflow.mlflow:5000   # optional: what the job's pod talks to
 *     uiUri: https://mlflow.example               # optional: base of links for people
 *     token: {secretRef: {name: mlflow, key: token}}   # optional bearer token
 *     defaultExperiment: sentinels                # for specs without a project
 * </pre>
 *
 * At submit the experiment named by the spec's project is found or created, and a run made (name =
 * job name) with Sentinels' tags and the spec's params. The job gets {@code MLFLOW_TRACKING_URI},
 * {@code MLFLOW_EXPERIMENT_ID} and {@code MLFLOW_RUN_ID}, so {@code mlflow.start_run()} in its code
 * continues that run. When the job ends its status becomes FINISHED, FAILED or KILLED.
 */
@Extension
public final class MlflowTracking implements TrackingBackend {

  static final String RUN_ID = "mlflow.runId";
  static final String EXPERIMENT_ID = "mlflow.experimentId";
  static final String TAG_JOB_ID = "sentinels.jobId";

  private MlflowClient client;
  private String trackingUri;
  private String jobTrackingUri;
  private String uiUri;
  private String defaultExperiment;

  @Override
  public void configure(PluginConfig config) {
    trackingUri = trimSlash(config.requiredString("trackingUri"));
    if (!trackingUri.startsWith("http://") && !trackingUri.startsWith("https://")) {
      throw config.invalid("trackingUri", "must be the http(s) URL of an MLflow tracking server");
    }
    jobTrackingUri = trimSlash(config.string("jobTrackingUri").orElse(trackingUri));
    uiUri = trimSlash(config.string("uiUri").orElse(trackingUri));
    defaultExperiment = config.string("defaultExperiment").orElse("sentinels");
    client =
        config
            .secret("token")
            .map(token -> new MlflowClient(new BasicMlflowHostCreds(trackingUri, token.reveal())))
            .orElseGet(() -> new MlflowClient(trackingUri));
  }

  /** MLflow's own health endpoint answers OK. */
  @Override
  public void checkReachable() throws Exception {
    java.net.HttpURLConnection health =
        (java.net.HttpURLConnection)
            java.net.URI.create(trackingUri + "/health").toURL().openConnection();
    health.setConnectTimeout(3000);
    health.setReadTimeout(3000);
    try {
      int code = health.getResponseCode();
      if (code != 200) {
        throw new java.io.IOException(trackingUri + "/health answered HTTP " + code);
      }
    } finally {
      health.disconnect();
    }
  }

  private static String trimSlash(String uri) {
    return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }

  @Override
  public TrackedRun startRun(JobRecord job) {
    String experimentId = experimentId(experimentName(job));
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(TAG_JOB_ID, job.id());
    tags.put("sentinels.user", job.user());
    tags.put("sentinels.queue", job.spec().queueOrDefault());
    tags.put("sentinels.priority", job.spec().priority());
    tags.put("sentinels.image", job.spec().image());
    tags.put("sentinels.specHash", job.attributes().get("sentinel.specHash"));
    tags.put("mlflow.user", job.user());
    codeVersion(job)
        .ifPresent(
            version -> {
              tags.put("sentinels.codeVersion", version);
              tags.put("mlflow.source.git.commit", version);
            });
    CreateRun.Builder create =
        CreateRun.newBuilder()
            .setExperimentId(experimentId)
            .setRunName(job.spec().name())
            .setUserId(job.user())
            .setStartTime(job.submittedAt().toEpochMilli());
    tags.forEach(
        (key, value) -> {
          if (value != null) {
            create.addTags(RunTag.newBuilder().setKey(key).setValue(value));
          }
        });
    String runId = client.createRun(create.build()).getRunId();
    List<Param> params = new ArrayList<>();
    job.spec()
        .params()
        .forEach((k, v) -> params.add(Param.newBuilder().setKey(k).setValue(v).build()));
    if (!params.isEmpty()) {
      client.logBatch(runId, List.of(), params, List.of());
    }
    return new TrackedRun(
        Map.of(RUN_ID, runId, EXPERIMENT_ID, experimentId),
        Map.of(
            "MLFLOW_TRACKING_URI", jobTrackingUri,
            "MLFLOW_EXPERIMENT_ID", experimentId,
            "MLFLOW_RUN_ID", runId));
  }

  private String experimentName(JobRecord job) {
    String project = job.spec().project();
    return project == null || project.isBlank() ? defaultExperiment : project;
  }

  private String experimentId(String name) {
    Optional<Experiment> existing = experiment(name);
    if (existing.isPresent()) {
      return existing.get().getExperimentId();
    }
    try {
      return client.createExperiment(name);
    } catch (MlflowClientException e) {
      // Another submission created it in between.
      return experiment(name).map(Experiment::getExperimentId).orElseThrow(() -> e);
    }
  }

  /**
   * By search rather than get-by-name: the client retries get-by-name's 404 for a missing
   * experiment as if rate limited, which costs seconds at every new project.
   */
  private Optional<Experiment> experiment(String name) {
    String quoted = "'" + name.replace("'", "\\'") + "'";
    return client
        .searchExperiments("name = " + quoted, ViewType.ACTIVE_ONLY, 1, List.of())
        .getItems()
        .stream()
        .filter(e -> e.getName().equals(name))
        .findFirst();
  }

  private static Optional<String> codeVersion(JobRecord job) {
    String version = job.spec().labels().get("code-version");
    if (version == null) {
      version = job.spec().annotations().get("sentinels.dev/code-version");
    }
    return Optional.ofNullable(version);
  }

  @Override
  public void finishRun(JobRecord job) {
    String runId = job.attributes().get(RUN_ID);
    if (runId == null) {
      return;
    }
    RunStatus status =
        job.state() == JobState.SUCCEEDED
            ? RunStatus.FINISHED
            : job.state() == JobState.CANCELLED ? RunStatus.KILLED : RunStatus.FAILED;
    Instant end = job.finishedAt() == null ? Instant.now() : job.finishedAt();
    client.setTag(runId, "sentinels.state", job.state().display());
    client.setTerminated(runId, status, end.toEpochMilli());
  }

  @Override
  public Optional<String> runLink(JobRecord job) {
    String runId = job.attributes().get(RUN_ID);
    String experimentId = job.attributes().get(EXPERIMENT_ID);
    if (runId == null || experimentId == null) {
      return Optional.empty();
    }
    return Optional.of(uiUri + "/#/experiments/" + experimentId + "/runs/" + runId);
  }

  @Override
  public List<RunSummary> runs(String project, int limit) {
    List<String> experimentIds = new ArrayList<>();
    if (project != null) {
      experiment(project).ifPresent(e -> experimentIds.add(e.getExperimentId()));
    } else {
      client.searchExperiments().getItems().forEach(e -> experimentIds.add(e.getExperimentId()));
    }
    if (experimentIds.isEmpty()) {
      return List.of();
    }
    List<RunSummary> runs = new ArrayList<>();
    for (Run run :
        client
            .searchRuns(
                experimentIds,
                "",
                ViewType.ACTIVE_ONLY,
                Math.max(1, limit),
                List.of("attributes.start_time DESC"))
            .getItems()) {
      runs.add(summary(run));
    }
    return runs;
  }

  @Override
  public Optional<RunSummary> run(JobRecord job) {
    String runId = job.attributes().get(RUN_ID);
    return runId == null ? Optional.empty() : Optional.of(summary(client.getRun(runId)));
  }

  private RunSummary summary(Run run) {
    Map<String, String> params = new LinkedHashMap<>();
    run.getData().getParamsList().forEach(p -> params.put(p.getKey(), p.getValue()));
    Map<String, Double> metrics = new LinkedHashMap<>();
    run.getData().getMetricsList().forEach(m -> metrics.put(m.getKey(), m.getValue()));
    String jobId = null;
    for (RunTag tag : run.getData().getTagsList()) {
      if (TAG_JOB_ID.equals(tag.getKey())) {
        jobId = tag.getValue();
      }
    }
    var info = run.getInfo();
    return new RunSummary(
        info.getRunId(),
        jobId,
        info.getRunName(),
        info.getStatus().name(),
        info.getStartTime() == 0 ? null : Instant.ofEpochMilli(info.getStartTime()),
        params,
        metrics,
        uiUri + "/#/experiments/" + info.getExperimentId() + "/runs/" + info.getRunId());
  }
}
