package dev.sentinels.plugins.elasticsearch;

import dev.sentinels.api.plugin.PluginConfig;
import dev.sentinels.api.plugin.Secret;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The plugin's section, read and checked once: each wrong field is refused with its name and the
 * fix, before anything talks to Elasticsearch.
 *
 * @param url the Elasticsearch endpoint
 * @param dataStreamPrefix data streams are {@code <prefix>-<namespace>}
 * @param readPattern the indices read and searched (a team's own shipper may write elsewhere)
 * @param fields where Sentinels finds its values in a document
 * @param retention how long lines are kept (the data streams' lifecycle), unless {@code ilmPolicy}
 * @param ilmPolicy an ILM policy to use instead of the data stream lifecycle, or null
 * @param manageTemplate whether Sentinels installs its index template
 * @param kibanaUrl Kibana's base URL for Discover links, or null
 */
record ElasticsearchSettings(
    URI url,
    Optional<Secret> username,
    Optional<Secret> password,
    Optional<Secret> apiKey,
    Optional<Path> caFile,
    String dataStreamPrefix,
    String readPattern,
    Fields fields,
    Duration retention,
    String ilmPolicy,
    boolean manageTemplate,
    String kibanaUrl,
    Duration requestTimeout) {

  /**
   * Field names in the documents, so a team's existing Filebeat or Fluent Bit can feed Sentinels.
   */
  record Fields(String jobId, String project, String namespace, String offset) {}

  private static final Pattern PREFIX = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  static ElasticsearchSettings from(PluginConfig config) {
    String rawUrl = config.requiredString("url");
    URI url;
    try {
      url = URI.create(rawUrl.endsWith("/") ? rawUrl.substring(0, rawUrl.length() - 1) : rawUrl);
    } catch (IllegalArgumentException e) {
      throw config.invalid("url", "is not a URL: " + rawUrl);
    }
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())
        || url.getHost() == null) {
      throw config.invalid(
          "url", "must be the http(s) URL of Elasticsearch, e.g. https://elasticsearch:9200");
    }
    Optional<Secret> apiKey = config.secret("apiKey");
    Optional<Secret> password = config.secret("password");
    Optional<Secret> username =
        config.string("username").map(u -> new Secret(u, "plugins." + config.pluginId()));
    if (password.isPresent() != username.isPresent()) {
      throw config.invalid(
          password.isPresent() ? "username" : "password",
          "is required with " + (password.isPresent() ? "password" : "username"));
    }
    if (apiKey.isPresent() && password.isPresent()) {
      throw config.invalid("apiKey", "give either apiKey or username and password, not both");
    }
    Optional<Path> caFile = config.string("caFile").map(Path::of);
    if (caFile.isPresent() && !Files.isReadable(caFile.get())) {
      throw config.invalid("caFile", "cannot read " + caFile.get() + " (a PEM CA certificate)");
    }
    if (caFile.isPresent() && !"https".equals(url.getScheme())) {
      throw config.invalid("caFile", "is for https; url is " + url);
    }
    String prefix = config.string("dataStreamPrefix").orElse("logs-sentinels");
    if (!PREFIX.matcher(prefix).matches()) {
      throw config.invalid(
          "dataStreamPrefix", "must be lowercase letters, digits, '.', '_' or '-', got " + prefix);
    }
    String readPattern = config.string("index").orElse(prefix + "-*");
    Fields fields =
        new Fields(
            config.string("fields.jobId").orElse("sentinels.job_id"),
            config.string("fields.project").orElse("sentinels.project"),
            config.string("fields.namespace").orElse("data_stream.namespace"),
            config.string("fields.offset").orElse("log.offset"));
    Duration retention = config.duration("retention").orElse(Duration.ofDays(30));
    if (retention.isNegative() || retention.isZero()) {
      throw config.invalid("retention", "must be longer than zero, e.g. 30d");
    }
    String manage = config.string("manageTemplate").orElse("true");
    if (!manage.equals("true") && !manage.equals("false")) {
      throw config.invalid("manageTemplate", "must be true or false, got " + manage);
    }
    String kibana = config.string("kibanaUrl").map(k -> k.replaceAll("/+$", "")).orElse(null);
    if (kibana != null && !kibana.startsWith("http://") && !kibana.startsWith("https://")) {
      throw config.invalid("kibanaUrl", "must be the http(s) URL of Kibana");
    }
    Duration timeout = config.duration("requestTimeout").orElse(Duration.ofSeconds(30));
    return new ElasticsearchSettings(
        url,
        username,
        password,
        apiKey,
        caFile,
        prefix,
        readPattern,
        fields,
        retention,
        config.string("ilmPolicy").orElse(null),
        Boolean.parseBoolean(manage),
        kibana,
        timeout);
  }

  /** The data stream a namespace's lines go to; names ES refuses are made safe. */
  String dataStream(String namespace) {
    return dataStreamPrefix + "-" + namespace.toLowerCase().replaceAll("[\\\\/*?\"<>| ,#:]", "_");
  }
}
