package dev.sentinels.plugins.slack;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.JobState;
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
import org.pf4j.Extension;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Posts a Block Kit message to a Slack incoming webhook.
 *
 * <pre>
 * plugins:
 *   slack:
 *     webhookUrl: {secretRef: {name: sentinel-slack, key: url}}
 *     timeout: 5s        # optional
 *     on: [Failed]       # optional; default Succeeded, Failed, Cancelled
 * </pre>
 */
@Extension
public final class SlackNotifier implements Notifier {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private URI webhook;
  private Duration timeout;
  private HttpClient http;

  @Override
  public void configure(PluginConfig config) {
    String text = config.requiredSecret("webhookUrl").reveal();
    try {
      webhook = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw config.invalid("webhookUrl", "is not a URL");
    }
    if (!"https".equals(webhook.getScheme()) && !"http".equals(webhook.getScheme())) {
      throw config.invalid("webhookUrl", "must be an https URL (a Slack incoming webhook)");
    }
    timeout = config.duration("timeout").orElse(Duration.ofSeconds(5));
    http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public void jobChanged(JobEvent event) throws IOException, InterruptedException {
    JobRecord job = event.job();
    String headline = icon(event.state()) + " " + job.id() + " " + event.state().display();
    ObjectNode message = JSON.createObjectNode();
    message.put("text", headline + (job.reason() == null ? "" : ": " + job.reason()));
    ArrayNode blocks = message.putArray("blocks");
    ObjectNode header = blocks.addObject();
    header.put("type", "header");
    plain(header.putObject("text"), headline);
    ObjectNode section = blocks.addObject();
    section.put("type", "section");
    ArrayNode fields = section.putArray("fields");
    field(fields, "Job", job.spec().name() + " (`" + job.id() + "`)");
    field(fields, "State", event.state().display());
    field(fields, "Duration", event.runTime() == null ? "never ran" : human(event.runTime()));
    field(fields, "User", job.user());
    field(fields, "Queue", job.spec().queueOrDefault() + ", priority " + job.spec().priority());
    field(fields, "Project", job.spec().project() == null ? "-" : job.spec().project());
    if (job.reason() != null) {
      ObjectNode reason = blocks.addObject();
      reason.put("type", "section");
      mrkdwn(reason.putObject("text"), "*Reason*\n" + job.reason());
    }
    if (!event.links().isEmpty()) {
      StringBuilder links = new StringBuilder();
      event
          .links()
          .forEach(
              (title, url) ->
                  links
                      .append(links.length() == 0 ? "" : "  |  ")
                      .append('<')
                      .append(url)
                      .append('|')
                      .append(title)
                      .append('>'));
      ObjectNode context = blocks.addObject();
      context.put("type", "context");
      mrkdwn(context.putArray("elements").addObject(), links.toString());
    }
    ObjectNode where = blocks.addObject();
    where.put("type", "context");
    mrkdwn(where.putArray("elements").addObject(), event.target());
    post(message);
  }

  @Override
  public void resourceAlert(ResourceAlert alert) throws IOException, InterruptedException {
    String headline =
        (alert.cleared() ? ":white_check_mark: Cleared: " : ":warning: ") + alert.summary();
    ObjectNode message = JSON.createObjectNode();
    message.put("text", headline);
    ArrayNode blocks = message.putArray("blocks");
    ObjectNode section = blocks.addObject();
    section.put("type", "section");
    mrkdwn(section.putObject("text"), headline + "\nsince " + alert.since());
    ObjectNode where = blocks.addObject();
    where.put("type", "context");
    mrkdwn(where.putArray("elements").addObject(), alert.target());
    post(message);
  }

  private static String icon(JobState state) {
    return switch (state) {
      case SUCCEEDED -> ":white_check_mark:";
      case FAILED -> ":x:";
      case CANCELLED -> ":no_entry_sign:";
      default -> ":information_source:";
    };
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m " + (s % 60) + "s";
    }
    return (s / 3600) + "h " + (s % 3600 / 60) + "m";
  }

  private static void field(ArrayNode fields, String title, String value) {
    mrkdwn(fields.addObject(), "*" + title + "*\n" + value);
  }

  private static void mrkdwn(ObjectNode node, String text) {
    node.put("type", "mrkdwn");
    node.put("text", text);
  }

  private static void plain(ObjectNode node, String text) {
    node.put("type", "plain_text");
    node.put("text", text);
    node.put("emoji", true);
  }

  private void post(ObjectNode message) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(webhook)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(message)))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          "Slack answered HTTP " + response.statusCode() + " " + abbreviate(response.body()));
    }
  }

  private static String abbreviate(String body) {
    String line = body == null ? "" : body.replaceAll("\\s+", " ");
    return line.length() > 100 ? line.substring(0, 100) + "..." : line;
  }
}
