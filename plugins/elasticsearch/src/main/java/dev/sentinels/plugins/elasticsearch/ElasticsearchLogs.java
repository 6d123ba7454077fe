package dev.sentinels.plugins.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldSort;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.JsonpUtils;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import dev.sentinels.api.JobRecord;
import dev.sentinels.api.plugin.LogSink;
import dev.sentinels.api.plugin.LogSource;
import dev.sentinels.api.plugin.PluginConfig;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.pf4j.Extension;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jobs' output in Elasticsearch: read back in order (with {@code --since}, {@code --tail} and
 * follow), searched across jobs, and written by the local runner.
 *
 * <pre>
 * plugins:
 *   elasticsearch:
 *     url: https://elasticsearch.logging:9200
 *     username: sentinels                                  # basic auth, or:
 *     password: {secretRef: {name: es-credentials, key: password}}
 *     apiKey: {secretRef: {name: es-credentials, key: apiKey}}   # instead of username/password
 *     caFile: /etc/sentinels/es-ca.crt                     # PEM CA that signed the server's certificate
 *     retention: 30d                                       # the data streams' lifecycle
 *     kibanaUrl: https://kibana.example                    # Discover links in describe
 * </pre>
 *
 * Lines live in one data stream per namespace, {@code logs-sentinels-<namespace>} (the local
 * backend's namespace is {@code local}), as ECS documents: {@code @timestamp}, {@code message},
 * {@code sentinels.job_id}, {@code sentinels.project}, {@code log.offset}. A job's lines are read
 * in {@code @timestamp} then {@code log.offset} order, page by page with a point in time and {@code
 * search_after}, so a long log streams without deep paging.
 */
@Extension
public final class ElasticsearchLogs implements LogSource, LogSink {

  /** Lines per page: Elasticsearch's default {@code index.max_result_window} allows 10,000. */
  private static final int PAGE = 10_000;

  /** The first page forward is small, so the first lines print before a whole page is read. */
  private static final int FIRST_PAGE = 500;

  private static final long FOLLOW_MILLIS = 1_000;

  /** Marks a match in a highlighted line: characters that never occur in a log line. */
  private static final String PRE = "\u0001";

  private static final String POST = "\u0002";

  private static final JsonMapper JSON = Connections.JSON;

  private ElasticsearchSettings settings;
  private ElasticsearchClient client;
  private RestClient rest;
  private IndexTemplate template;

  @Override
  public void configure(PluginConfig config) {
    settings = ElasticsearchSettings.from(config);
    client = Connections.client(settings);
    rest = ((RestClientTransport) client._transport()).restClient();
    template = new IndexTemplate(client, settings);
  }

  /** The cluster answers and takes our credentials. */
  @Override
  public void checkReachable() throws Exception {
    try {
      client.cluster().health(h -> h.timeout(t -> t.time("5s")));
    } catch (ElasticsearchException e) {
      if (e.status() != 403) { // a user allowed to read logs but not to see cluster health
        throw Connections.refused(settings, e);
      }
    }
  }

  @Override
  public void read(JobRecord job, LogQuery query, Consumer<LogLine> sink) throws Exception {
    try {
      Query filter = jobLines(job.id(), query.namespace(), query.since());
      List<FieldValue> last =
          query.tailLines() == null
              ? readForward(filter, null, sink)
              : readTail(filter, query.tailLines(), sink);
      while (query.follow() && !Thread.currentThread().isInterrupted()) {
        boolean ended = query.jobEnded().getAsBoolean();
        List<FieldValue> next = readForward(filter, last, sink);
        last = next == null ? last : next;
        if (ended) {
          return; // read once more after seeing it end: what it wrote by then is sent
        }
        Thread.sleep(FOLLOW_MILLIS);
      }
    } catch (ElasticsearchException e) {
      throw Connections.refused(settings, e);
    }
  }

  /**
   * Every line after {@code after} (all when null), oldest first, in pages over a point in time
   * read one page ahead; returns the sort values of the last line sent, or {@code after} when none
   * came.
   */
  private List<FieldValue> readForward(Query filter, List<FieldValue> after, Consumer<LogLine> sink)
      throws Exception {
    String[] pit = {openPointInTime()};
    ForwardPages.Fetch fetch =
        (searchAfter, size) -> {
          SearchRequest search =
              SearchRequest.of(
                  s ->
                      linesPage(
                          s.pit(p -> p.id(pit[0]).keepAlive(k -> k.time("1m"))),
                          filter,
                          size,
                          SortOrder.Asc,
                          searchAfter));
          Request request = new Request("POST", "/_search");
          // Only what is read: without each hit's index, id and score the page is a third smaller.
          request.addParameter("filter_path", "pit_id,hits.hits._source,hits.hits.sort");
          request.setJsonEntity(JsonpUtils.toJsonString(search, client._jsonpMapper()));
          try {
            byte[] body = EntityUtils.toByteArray(rest.performRequest(request).getEntity());
            pit[0] = pitId(body, pit[0]);
            return body;
          } catch (ResponseException e) {
            throw Connections.refused(settings, e);
          }
        };
    Previous previous = new Previous();
    try (ForwardPages pages = new ForwardPages(fetch, after, FIRST_PAGE, PAGE)) {
      for (ForwardPages.Page page = pages.next(); page != null; page = pages.next()) {
        sendAll(page.body(), previous, sink);
      }
      return pages.cursor();
    } finally {
      try {
        Request close = new Request("DELETE", "/_pit");
        close.setJsonEntity(JSON.writeValueAsString(Map.of("id", pit[0])));
        rest.performRequest(close);
      } catch (Exception e) {
        // It expires on its own within a minute.
      }
    }
  }

  /** A point in time over the job's data streams (by the low-level client, as pages are read). */
  private String openPointInTime() throws Exception {
    Request open = new Request("POST", "/" + settings.readPattern() + "/_pit");
    open.addParameter("keep_alive", "1m");
    open.addParameter("ignore_unavailable", "true");
    try {
      return JSON.readTree(EntityUtils.toByteArray(rest.performRequest(open).getEntity()))
          .path("id")
          .asString();
    } catch (ResponseException e) {
      throw Connections.refused(settings, e);
    }
  }

  /** Every hit's source in a raw search response, in order, to {@code previous}. */
  private void sendAll(byte[] body, Previous previous, Consumer<LogLine> sink) {
    String offsetField = settings.fields().offset();
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return;
      }
      while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        if (!name.equals("hits")) {
          parser.skipChildren();
          continue;
        }
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
          String inner = parser.currentName();
          if (parser.nextToken() != JsonToken.START_ARRAY || !inner.equals("hits")) {
            parser.skipChildren();
            continue;
          }
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            String[] line = new String[3]; // @timestamp, offset, message
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
              String field = parser.currentName();
              if (parser.nextToken() == JsonToken.START_OBJECT && field.equals("_source")) {
                readSource(parser, "", offsetField, line);
              } else {
                parser.skipChildren();
              }
            }
            previous.send(line[0], line[1], line[2], sink);
          }
        }
      }
    }
  }

  /**
   * The fields a line needs from the {@code _source} object the parser is in, by dotted path, so
   * nested ({@code {"log": {"offset": 1}}}) and flat ({@code {"log.offset": 1}}) both count. The
   * source is walked as tokens rather than bound to maps: for a long log that is most of the work.
   */
  private static void readSource(JsonParser parser, String prefix, String offset, String[] line) {
    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
      String path = prefix + parser.currentName();
      JsonToken value = parser.nextToken();
      if (value == JsonToken.START_OBJECT) {
        readSource(parser, path + ".", offset, line);
      } else if (value == JsonToken.START_ARRAY) {
        parser.skipChildren();
      } else if (path.equals("@timestamp")) {
        line[0] = parser.getString();
      } else if (path.equals(offset)) {
        line[1] = parser.getString();
      } else if (path.equals("message")) {
        line[2] = parser.getString();
      }
    }
  }

  /** The point in time's id as the response renews it (its first field), else {@code current}. */
  private static String pitId(byte[] body, String current) {
    String head = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.US_ASCII);
    String key = "\"pit_id\":\"";
    int at = head.indexOf(key);
    int end = at < 0 ? -1 : head.indexOf('"', at + key.length());
    return end < 0 ? current : head.substring(at + key.length(), end);
  }

  /** The last {@code lines} lines, read newest first and sent oldest first. */
  private List<FieldValue> readTail(Query filter, int lines, Consumer<LogLine> sink)
      throws Exception {
    Deque<Hit<Map>> newestFirst = new ArrayDeque<>();
    List<FieldValue> cursor = null;
    List<FieldValue> newest = null;
    while (newestFirst.size() < lines) {
      List<FieldValue> searchAfter = cursor;
      int size = Math.min(PAGE, lines - newestFirst.size());
      SearchResponse<Map> page =
          client.search(
              s ->
                  linesPage(
                      s.index(settings.readPattern()).ignoreUnavailable(true).allowNoIndices(true),
                      filter,
                      size,
                      SortOrder.Desc,
                      searchAfter),
              Map.class);
      List<Hit<Map>> hits = page.hits().hits();
      if (hits.isEmpty()) {
        break;
      }
      if (newest == null) {
        newest = hits.get(0).sort();
      }
      newestFirst.addAll(hits);
      cursor = hits.get(hits.size() - 1).sort();
      if (hits.size() < size) {
        break;
      }
    }
    Previous previous = new Previous();
    while (!newestFirst.isEmpty()) {
      previous.send(newestFirst.removeLast().source(), sink);
    }
    return newest;
  }

  /** A page of a job's lines in {@code order}, after {@code searchAfter} when given. */
  private co.elastic.clients.elasticsearch.core.SearchRequest.Builder linesPage(
      co.elastic.clients.elasticsearch.core.SearchRequest.Builder search,
      Query filter,
      int size,
      SortOrder order,
      List<FieldValue> searchAfter) {
    search
        .query(filter)
        .size(size)
        .trackTotalHits(t -> t.enabled(false))
        .source(src -> src.filter(f -> f.includes(sourceFields())))
        .sort(order(order));
    return searchAfter == null ? search : search.searchAfter(searchAfter);
  }

  /**
   * Sends hits, dropping a line that repeats the one before it exactly (same instant, offset and
   * text): a line shipped twice across a data stream rollover, where ids cannot meet.
   */
  private final class Previous {
    private String key;

    void send(Map<?, ?> source, Consumer<LogLine> sink) {
      send(
          Documents.string(source, "@timestamp"),
          Documents.string(source, settings.fields().offset()),
          Documents.string(source, "message"),
          sink);
    }

    void send(String at, String offset, String text, Consumer<LogLine> sink) {
      String thisKey = at + "\u0000" + offset + "\u0000" + text;
      if (thisKey.equals(key)) {
        return;
      }
      key = thisKey;
      sink.accept(new LogLine(Documents.instant(at), null, text == null ? "" : text));
    }
  }

  private List<String> sourceFields() {
    return List.of("@timestamp", "message", settings.fields().offset());
  }

  private List<SortOptions> order(SortOrder order) {
    return List.of(
        SortOptions.of(
            s ->
                s.field(
                    FieldSort.of(
                        f ->
                            f.field("@timestamp")
                                .order(order)
                                .numericType(
                                    co.elastic.clients.elasticsearch._types.FieldSortNumericType
                                        .DateNanos)))),
        SortOptions.of(
            s ->
                s.field(
                    FieldSort.of(
                        f ->
                            f.field(settings.fields().offset())
                                .order(order)
                                .unmappedType(
                                    co.elastic.clients.elasticsearch._types.mapping.FieldType
                                        .Long)))));
  }

  private Query jobLines(String jobId, String namespace, Instant since) {
    List<Query> filters = new ArrayList<>();
    filters.add(term(settings.fields().jobId(), jobId));
    if (namespace != null) {
      filters.add(term(settings.fields().namespace(), namespace));
    }
    if (since != null) {
      filters.add(writtenSince(since));
    }
    return Query.of(q -> q.bool(b -> b.filter(filters)));
  }

  private static Query writtenSince(Instant since) {
    return Query.of(q -> q.range(r -> r.date(d -> d.field("@timestamp").gte(since.toString()))));
  }

  private static Query term(String field, String value) {
    return Query.of(q -> q.term(t -> t.field(field).value(value)));
  }

  @Override
  public void search(LogSearch search, Consumer<LogMatch> sink) throws Exception {
    List<Query> filters = new ArrayList<>();
    if (search.namespace() != null) {
      filters.add(term(settings.fields().namespace(), search.namespace()));
    }
    if (search.project() != null) {
      filters.add(term(settings.fields().project(), search.project()));
    }
    if (search.since() != null) {
      filters.add(writtenSince(search.since()));
    }
    try {
      SearchResponse<Map> found =
          client.search(
              s ->
                  s.index(settings.readPattern())
                      .ignoreUnavailable(true)
                      .allowNoIndices(true)
                      .query(
                          q ->
                              q.bool(
                                  b ->
                                      b.must(
                                              m ->
                                                  m.matchPhrase(
                                                      p -> p.field("message").query(search.text())))
                                          .filter(filters)))
                      .size(search.limit())
                      .sort(order(SortOrder.Desc))
                      .highlight(
                          h ->
                              h.fields(
                                  "message",
                                  f ->
                                      f.preTags(PRE)
                                          .postTags(POST)
                                          .numberOfFragments(0)
                                          .noMatchSize(0))),
              Map.class);
      for (Hit<Map> hit : found.hits().hits()) {
        Map<?, ?> source = hit.source();
        String text = Documents.string(source, "message");
        List<String> marked = hit.highlight().get("message");
        sink.accept(
            new LogMatch(
                Documents.string(source, settings.fields().jobId()),
                Documents.string(source, settings.fields().namespace()),
                Documents.string(source, settings.fields().project()),
                Documents.instant(Documents.string(source, "@timestamp")),
                text == null ? "" : text,
                marked == null || marked.isEmpty() ? List.of() : highlights(marked.get(0))));
      }
    } catch (ElasticsearchException e) {
      throw Connections.refused(settings, e);
    }
  }

  /** The matched ranges of a line Elasticsearch highlighted with {@link #PRE} and {@link #POST}. */
  static List<Highlight> highlights(String marked) {
    List<Highlight> ranges = new ArrayList<>();
    int plain = 0;
    int start = -1;
    for (int i = 0; i < marked.length(); i++) {
      char c = marked.charAt(i);
      if (c == PRE.charAt(0)) {
        start = plain;
      } else if (c == POST.charAt(0)) {
        if (start >= 0) {
          ranges.add(new Highlight(start, plain));
        }
        start = -1;
      } else {
        plain++;
      }
    }
    return ranges;
  }

  @Override
  public Optional<String> link(JobRecord job, String namespace) {
    if (settings.kibanaUrl() == null) {
      return Optional.empty();
    }
    Instant from = job.submittedAt() == null ? Instant.EPOCH : job.submittedAt().minusSeconds(60);
    Instant finished = job.finishedAt();
    String to = finished == null ? "now" : "'" + finished.plusSeconds(60) + "'";
    String kuery = settings.fields().jobId() + ":\"" + job.id() + "\"";
    String rison =
        "_g=(time:(from:'"
            + from
            + "',to:"
            + to
            + "))&_a=(query:(language:kuery,query:'"
            + kuery.replace("'", "!'")
            + "'))";
    return Optional.of(settings.kibanaUrl() + "/app/discover#/?" + encodeRison(rison));
  }

  /** Percent-encodes what a URL fragment cannot hold, keeping Rison's own punctuation. */
  private static String encodeRison(String rison) {
    StringBuilder out = new StringBuilder();
    for (char c : rison.toCharArray()) {
      if (Character.isLetterOrDigit(c) || "()',:!_-.=&*~".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append(
            URLEncoder.encode(String.valueOf(c), StandardCharsets.UTF_8).replace("+", "%20"));
      }
    }
    return out.toString();
  }

  /**
   * The index template, so documents from the cluster's collector are mapped as Sentinels reads.
   */
  @Override
  public void prepare() throws Exception {
    template.ensure();
  }

  @Override
  public void write(List<ShippedLine> lines) throws Exception {
    if (lines.isEmpty()) {
      return;
    }
    try {
      template.ensure();
    } catch (ElasticsearchException e) {
      throw Connections.refused(settings, e);
    }
    // The bulk body written straight as NDJSON and its answer read for errors only: for a batch of
    // thousands of lines the typed request and its per-item response cost more than Elasticsearch.
    ByteArrayOutputStream body = new ByteArrayOutputStream(lines.size() * 320);
    try (JsonGenerator out = JSON.createGenerator(body)) {
      for (ShippedLine line : lines) {
        out.writeStartObject();
        out.writeName("create");
        out.writeStartObject();
        out.writeStringProperty("_index", settings.dataStream(line.namespace()));
        out.writeStringProperty("_id", line.id());
        out.writeEndObject();
        out.writeEndObject();
        JSON.writeValue(out, document(line));
      }
    }
    body.write('\n');
    Request request = new Request("POST", "/_bulk");
    request.addParameter("filter_path", "errors,items.*.error");
    request.setEntity(
        new ByteArrayEntity(body.toByteArray(), ContentType.create("application/x-ndjson")));
    JsonNode answer;
    try {
      answer = JSON.readTree(EntityUtils.toByteArray(rest.performRequest(request).getEntity()));
    } catch (ResponseException e) {
      throw Connections.refused(settings, e);
    }
    if (!answer.path("errors").asBoolean(false)) {
      return;
    }
    for (JsonNode item : answer.path("items")) {
      JsonNode error = item.path("create").path("error");
      String type = error.path("type").asString("");
      // Stored before (a re-send after a crash or a timeout), which is what we want.
      if (!type.isEmpty() && !type.equals("version_conflict_engine_exception")) {
        throw new IllegalStateException(
            "Elasticsearch refused a line for "
                + error.path("index").asString("?")
                + ": "
                + type
                + ": "
                + error.path("reason").asString(""));
      }
    }
  }

  /** An ECS document for a shipped line, with the fields this plugin reads. */
  private Map<String, Object> document(ShippedLine line) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("@timestamp", line.at().toString());
    document.put("message", line.text());
    Documents.put(document, "data_stream.type", "logs");
    Documents.put(document, "data_stream.dataset", "sentinels");
    Documents.put(document, settings.fields().namespace(), line.namespace());
    Documents.put(document, settings.fields().jobId(), line.jobId());
    if (line.project() != null) {
      Documents.put(document, settings.fields().project(), line.project());
    }
    Documents.put(document, "sentinels.user", line.user());
    Documents.put(document, "sentinels.attempt", line.attempt());
    Documents.put(document, settings.fields().offset(), line.offset());
    Documents.put(document, "event.dataset", "sentinels");
    Documents.put(document, "ecs.version", "8.11.0");
    return document;
  }
}
