package dev.sentinels.plugins.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.indices.GetIndexTemplateResponse;
import java.io.StringReader;

/**
 * Sentinels' index template: data streams {@code <prefix>-<namespace>} with the fields Sentinels
 * reads mapped for it ({@code @timestamp} in nanoseconds, so lines of the same millisecond keep
 * their order), and a lifecycle that deletes lines after the retention (or an ILM policy). Written
 * when missing or older than this version; a cluster where we may not manage templates keeps
 * whatever it has.
 */
final class IndexTemplate {

  /** Bumped when the template changes, so an older one is replaced. */
  static final int VERSION = 1;

  private final ElasticsearchClient client;
  private final ElasticsearchSettings settings;
  private volatile boolean ensured;

  IndexTemplate(ElasticsearchClient client, ElasticsearchSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  String name() {
    return settings.dataStreamPrefix();
  }

  void ensure() throws Exception {
    if (ensured || !settings.manageTemplate()) {
      return;
    }
    try {
      GetIndexTemplateResponse existing = client.indices().getIndexTemplate(g -> g.name(name()));
      boolean current =
          existing.indexTemplates().stream()
              .anyMatch(
                  t ->
                      t.indexTemplate().version() != null
                          && t.indexTemplate().version() >= VERSION
                          && (settings.ilmPolicy() != null
                              || retention().equals(retentionOf(t.indexTemplate()))));
      if (current) {
        ensured = true;
        return;
      }
    } catch (ElasticsearchException e) {
      if (e.status() == 403) {
        ensured = true; // not ours to manage: the cluster's own templates apply
        return;
      }
      if (e.status() != 404) {
        throw e;
      }
    }
    try {
      client.indices().putIndexTemplate(p -> p.name(name()).withJson(new StringReader(body())));
    } catch (ElasticsearchException e) {
      if (e.status() != 403) {
        throw e;
      }
    }
    ensured = true;
  }

  private static String retentionOf(co.elastic.clients.elasticsearch.indices.IndexTemplate t) {
    if (t.template() == null || t.template().lifecycle() == null) {
      return "";
    }
    var retention = t.template().lifecycle().dataRetention();
    return retention == null ? "" : retention.time();
  }

  /** The retention as Elasticsearch writes a time value: whole days, hours, minutes or seconds. */
  String retention() {
    long seconds = settings.retention().toSeconds();
    if (seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds % 3_600 == 0) {
      return seconds / 3_600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  String body() {
    String keyword = "{\"type\":\"keyword\"}";
    String lifecycle =
        settings.ilmPolicy() == null
            ? ",\"lifecycle\":{\"data_retention\":\"" + retention() + "\"}"
            : "";
    String ilm =
        settings.ilmPolicy() == null
            ? ""
            : ",\"settings\":{\"index.lifecycle.name\":\"" + settings.ilmPolicy() + "\"}";
    return "{\"index_patterns\":[\""
        + settings.dataStreamPrefix()
        + "-*\"],\"data_stream\":{},\"priority\":200,\"version\":"
        + VERSION
        + ",\"_meta\":{\"managed_by\":\"sentinels\",\"description\":\"Sentinels job output, one data"
        + " stream per namespace\"},\"template\":{\"mappings\":{\"properties\":{"
        + "\"@timestamp\":{\"type\":\"date_nanos\"},"
        + "\"message\":{\"type\":\"text\"},"
        + "\"data_stream\":{\"properties\":{\"type\":"
        + keyword
        + ",\"dataset\":"
        + keyword
        + ",\"namespace\":"
        + keyword
        + "}},"
        + "\"sentinels\":{\"properties\":{\"job_id\":"
        + keyword
        + ",\"project\":"
        + keyword
        + ",\"user\":"
        + keyword
        + ",\"attempt\":{\"type\":\"integer\"}}},"
        + "\"log\":{\"properties\":{\"offset\":{\"type\":\"long\"}}},"
        + "\"kubernetes\":{\"properties\":{\"namespace\":"
        + keyword
        + ",\"pod\":{\"properties\":{\"name\":"
        + keyword
        + "}}}}"
        + "}}"
        + lifecycle
        + ilm
        + "}}";
  }
}
