package dev.sentinels.plugins.webhook;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.plugin.JobEvent;
import dev.sentinels.api.plugin.Notifier;
import dev.sentinels.api.plugin.PluginConfig;
import dev.sentinels.api.plugin.ResourceAlert;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.pf4j.Extension;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Posts a JSON document to a URL (configured as a secret: URLs of webhooks are credentials).
 *
 * <pre>
 * plugins:
 *   webhook:
 *     url: {secretRef: {name: sentinel-webhook, key: url}}
 *     timeout: 5s        # optional
 *     on: [Failed]       # optional; default Succeeded, Failed, Cancelled
 * </pre>
 *
 * A job event: {@code {"kind": "job", "eventId": "<job id>/<state>", "job": {...}, "links": {...},
 * "target": "..."}}; an alert: {@code {"kind": "resourceAlert", "eventId": ..., "alert": {...}}}.
 * Header {@code X-Sentinels-Event} carries the event id too, so a receiver can drop the rare repeat
 * (see the delivery semantics in docs/plugins.md).
 */
@Extension
public final class WebhookNotifier implements Notifier {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private URI url;
  private Duration timeout;
  private HttpClient http;

  @Override
  public void configure(PluginConfig config) {
    String text = config.requiredSecret("url").reveal();
    try {
      url = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw config.invalid("url", "is not a URL");
    }
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
      throw config.invalid("url", "must be an http or https URL");
    }
    timeout = config.duration("timeout").orElse(Duration.ofSeconds(5));
    http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public void jobChanged(JobEvent event) throws IOException, InterruptedException {
    JobRecord job = event.job();
    ObjectNode body = JSON.createObjectNode();
    String eventId = job.id() + "/" + event.state().display();
    body.put("kind", "job");
    body.put("eventId", eventId);
    ObjectNode fields = body.putObject("job");
    fields.put("id", job.id());
    fields.put("name", job.spec().name());
    fields.put("project", job.spec().project());
    fields.put("user", job.user());
    fields.put("queue", job.spec().queueOrDefault());
    fields.put("priority", job.spec().priority());
    fields.put("image", job.spec().image());
    fields.put("state", event.state().display());
    fields.put("reason", job.reason());
    fields.put("submittedAt", text(job.submittedAt()));
    fields.put("startedAt", text(job.startedAt()));
    fields.put("finishedAt", text(job.finishedAt()));
    if (event.runTime() != null) {
      fields.put("durationSeconds", event.runTime().toSeconds());
    }
    ObjectNode links = body.putObject("links");
    event.links().forEach(links::put);
    body.put("target", event.target());
    post(eventId, body);
  }

  @Override
  public void resourceAlert(ResourceAlert alert) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    String eventId =
        "alert/" + alert.kind() + "/" + alert.since() + (alert.cleared() ? "/cleared" : "/opened");
    body.put("kind", "resourceAlert");
    body.put("eventId", eventId);
    ObjectNode fields = body.putObject("alert");
    fields.put("kind", alert.kind());
    fields.put("cleared", alert.cleared());
    fields.put("summary", alert.summary());
    fields.put("since", text(alert.since()));
    body.put("target", alert.target());
    post(eventId, body);
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }

  private void post(String eventId, ObjectNode body) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("X-Sentinels-Event", eventId)
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException("webhook answered HTTP " + response.statusCode());
    }
  }
}
