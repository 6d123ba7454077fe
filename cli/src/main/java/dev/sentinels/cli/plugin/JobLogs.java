package dev.sentinels.cli.plugin;

import dev.sentinels.api.JobRecord;
import dev.sentinels.api.plugin.LogSink;
import dev.sentinels.api.plugin.LogSource;
import dev.sentinels.api.plugin.LogSource.LogLine;
import dev.sentinels.api.plugin.LogSource.LogMatch;
import dev.sentinels.api.plugin.LogSource.LogQuery;
import dev.sentinels.api.plugin.LogSource.LogSearch;
import dev.sentinels.api.plugin.SentinelExtension;
import dev.sentinels.cli.support.SentinelException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The plugins' side of logs: reading and searching through the configured {@link LogSource}, the
 * {@link LogSink} the local runner ships to, and the link {@code describe} shows. Failures are one
 * line with secrets masked: none configured is a usage error, a source that does not answer is an
 * unreachable server.
 */
public final class JobLogs {

  /** Attribute with a link to the job's lines in the log source's UI (Kibana), for describe. */
  public static final String LINK = "sentinel.logs.link";

  /** How long one shipped batch may take before it counts as failed and is sent again. */
  private static final Duration WRITE_BUDGET = Duration.ofSeconds(30);

  private final Supplier<PluginHost> host;

  JobLogs(Supplier<PluginHost> host) {
    this.host = host;
  }

  /** The configured log source's plugin id, if one is configured and loaded. */
  public Optional<String> sourceId() {
    return source().map(PluginHost.Active::pluginId);
  }

  /**
   * Sends the job's lines from the log source to {@code sink}, in the calling thread (so Ctrl-C on
   * a follow reaches it).
   */
  public void read(JobRecord job, LogQuery query, Consumer<LogLine> sink) {
    PluginHost.Active<LogSource> source = required();
    dev.sentinels.cli.support.Timing.mark("log source loaded");
    ask(source, () -> source.extension().read(job, query, sink));
  }

  /** Lines matching the search across jobs, newest first. */
  public void search(LogSearch search, Consumer<LogMatch> sink) {
    PluginHost.Active<LogSource> source = required();
    ask(source, () -> source.extension().search(search, sink));
  }

  /** The record with the log source's link to its lines, when a source gives one. */
  public JobRecord withLink(JobRecord record, String namespace) {
    return source()
        .flatMap(s -> s.extension().link(record, namespace))
        .map(link -> record.withAttribute(LINK, link))
        .orElse(record);
  }

  /** The link to the job's lines, from its record (no plugin needed). */
  public static Optional<String> link(JobRecord record) {
    return Optional.ofNullable(record.attributes().get(LINK));
  }

  /** Whether a log sink is configured, for the local runner to ship output to. */
  public boolean hasSink() {
    PluginHost plugins = host.get();
    return plugins != null && plugins.logSink().isPresent();
  }

  /**
   * Ships a batch to the configured sink, with a time limit, its failure said in words; the caller
   * sends it again later (the sink stores each line once).
   */
  public void ship(List<LogSink.ShippedLine> lines) throws Exception {
    toSink(sink -> sink.write(lines));
  }

  /** Lets the sink make its store ready ({@link LogSink#prepare}), with a time limit. */
  public void prepare() throws Exception {
    if (hasSink()) {
      toSink(LogSink::prepare);
    }
  }

  @FunctionalInterface
  private interface SinkCall {
    void run(LogSink sink) throws Exception;
  }

  private void toSink(SinkCall call) throws Exception {
    PluginHost plugins = host.get();
    PluginHost.Active<LogSink> sink =
        plugins.logSink().orElseThrow(() -> new IllegalStateException("no log sink configured"));
    try {
      plugins.call(
          WRITE_BUDGET.toMillis(),
          () -> {
            call.run(sink.extension());
            return null;
          });
    } catch (Exception e) {
      throw new Exception(sink.pluginId() + ": " + plugins.describe(e), e);
    }
  }

  private Optional<PluginHost.Active<LogSource>> source() {
    PluginHost plugins = host.get();
    return plugins == null ? Optional.empty() : plugins.logSource();
  }

  private PluginHost.Active<LogSource> required() {
    return source()
        .orElseThrow(
            () ->
                SentinelException.invalid(
                    "no log source is configured (configure one, e.g. plugins.elasticsearch.url;"
                        + " see: sentinel plugins)"));
  }

  @FunctionalInterface
  private interface Call {
    void run() throws Exception;
  }

  private void ask(PluginHost.Active<? extends SentinelExtension> source, Call call) {
    Thread thread = Thread.currentThread();
    ClassLoader context = thread.getContextClassLoader();
    thread.setContextClassLoader(source.extension().getClass().getClassLoader());
    try {
      call.run();
    } catch (SentinelException e) {
      throw e;
    } catch (Exception e) {
      if (thread.isInterrupted() || e instanceof InterruptedException) {
        return; // Ctrl-C on a follow: what was read is printed
      }
      throw SentinelException.unreachable(
          source.pluginId() + " did not answer: " + host.get().describe(e), e);
    } finally {
      thread.setContextClassLoader(context);
    }
  }
}
