package dev.sentinels.plugins.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldSort;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import dev.sentinels.api.JobRecord;
import dev.sentinels.api.plugin.LogSink;
import dev.sentinels.api.plugin.LogSource;
import dev.sentinels.api.plugin.PluginConfig;
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
import org.pf4j.Extension;

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

  private ElasticsearchSettings settings;
  private ElasticsearchClient client;
  private IndexTemplate template;

  @Override
  public void configure(PluginConfig config) {
    settings = ElasticsearchSettings.from(config);
    client = Connections.client(settings);
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
   * Every line after {@code after} (all when null), oldest first, in pages over a point in time;
   * returns the sort values of the last line sent, or {@code after} when none came.
   */
  private List<FieldValue> readForward(Query filter, List<FieldValue> after, Consumer<LogLine> sink)
      throws Exception {
    String pit =
        client
            .openPointInTime(
                p ->
                    p.index(settings.readPattern())
                        .keepAlive(k -> k.time("1m"))
                        .ignoreUnavailable(true))
            .id();
    Previous previous = new Previous();
    List<FieldValue> cursor = after;
    int size = FIRST_PAGE;
    try {
      while (true) {
        List<FieldValue> searchAfter = cursor;
        String pitId = pit;
        int pageSize = size;
        SearchResponse<Map> page =
            client.search(
                s ->
                    linesPage(
                        s.pit(p -> p.id(pitId).keepAlive(k -> k.time("1m"))),
                        filter,
                        pageSize,
                        SortOrder.Asc,
                        searchAfter),
                Map.class);
        if (page.pitId() != null) {
          pit = page.pitId();
        }
        List<Hit<Map>> hits = page.hits().hits();
        for (Hit<Map> hit : hits) {
          previous.send(hit, sink);
        }
        if (hits.isEmpty()) {
          return cursor;
        }
        cursor = withoutTiebreaker(hits.get(hits.size() - 1).sort());
        if (hits.size() < pageSize) {
          return cursor;
        }
        size = PAGE;
      }
    } finally {
      String closing = pit;
      try {
        client.closePointInTime(c -> c.id(closing));
      } catch (Exception e) {
        // It expires on its own within a minute.
      }
    }
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
      previous.send(newestFirst.removeLast(), sink);
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

  /** Sort values without the point in time's implicit {@code _shard_doc} tiebreaker. */
  private static List<FieldValue> withoutTiebreaker(List<FieldValue> sort) {
    return sort.size() > 2 ? sort.subList(0, 2) : sort;
  }

  /**
   * Sends hits, dropping a line that repeats the one before it exactly (same instant, offset and
   * text): a line shipped twice across a data stream rollover, where ids cannot meet.
   */
  private final class Previous {
    private String key;

    void send(Hit<Map> hit, Consumer<LogLine> sink) {
      Map<?, ?> source = hit.source();
      String text = Documents.string(source, "message");
      String at = Documents.string(source, "@timestamp");
      String offset = Documents.string(source, settings.fields().offset());
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
      BulkRequest.Builder bulk = new BulkRequest.Builder();
      for (ShippedLine line : lines) {
        Map<String, Object> document = document(line);
        String stream = settings.dataStream(line.namespace());
        bulk.operations(op -> op.create(c -> c.index(stream).id(line.id()).document(document)));
      }
      BulkResponse response = client.bulk(bulk.build());
      if (response.errors()) {
        for (BulkResponseItem item : response.items()) {
          // 409: stored before (a re-send after a crash or a timeout), which is what we want.
          if (item.error() != null && item.status() != 409) {
            throw new IllegalStateException(
                "Elasticsearch refused a line for "
                    + item.index()
                    + ": "
                    + item.error().type()
                    + ": "
                    + item.error().reason());
          }
        }
      }
    } catch (ElasticsearchException e) {
      throw Connections.refused(settings, e);
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
