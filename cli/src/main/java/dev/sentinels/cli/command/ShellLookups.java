package dev.sentinels.cli.command;

import dev.sentinels.cli.support.DaemonThreads;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The REPL's completion values, kept fresh in the background: a key press reads the cache, and each
 * line (and every few seconds) refreshes it, so completing never waits on the cluster.
 */
final class ShellLookups implements Completer.Lookups, AutoCloseable {

  private static final long REFRESH_MILLIS = 10_000;

  private final Session session;
  private final Completer.Live live = new Completer.Live();
  private final Map<String, List<String>> cache = new ConcurrentHashMap<>();
  private final ExecutorService refresher =
      Executors.newSingleThreadExecutor(DaemonThreads.named("sentinel-completion"));
  private volatile long refreshedAt;

  ShellLookups(Session session) {
    this.session = session;
    refreshSoon();
  }

  /** Refreshes the values for where the session points now, in the background. */
  void refreshSoon() {
    refreshedAt = System.currentTimeMillis();
    GlobalOptions here = new GlobalOptions();
    refresher.submit(
        () -> {
          for (String kind : List.of("jobs", "classes", "queues")) {
            fetch(kind, here);
          }
        });
  }

  private List<String> cached(String kind, GlobalOptions global) {
    if (System.currentTimeMillis() - refreshedAt > REFRESH_MILLIS) {
      refreshSoon();
    }
    List<String> values = cache.get(key(kind, global));
    return values != null ? values : fetch(kind, global);
  }

  private List<String> fetch(String kind, GlobalOptions global) {
    Function<GlobalOptions, List<String>> lookup =
        switch (kind) {
          case "jobs" -> live::jobIds;
          case "classes" -> live::priorityClasses;
          case "queues" -> live::queues;
          case "namespaces" -> live::namespaces;
          default -> live::contexts;
        };
    try {
      List<String> values = List.copyOf(lookup.apply(global));
      cache.put(key(kind, global), values);
      return values;
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  /** Values depend on where the line works: its flags over the session's choices. */
  private String key(String kind, GlobalOptions global) {
    Backends.Target target = Backends.Target.of(global, java.util.Optional.of(session));
    return kind + "|" + target;
  }

  @Override
  public List<String> jobIds(GlobalOptions global) {
    return cached("jobs", global);
  }

  @Override
  public List<String> priorityClasses(GlobalOptions global) {
    return cached("classes", global);
  }

  @Override
  public List<String> queues(GlobalOptions global) {
    return cached("queues", global);
  }

  @Override
  public List<String> namespaces(GlobalOptions global) {
    return cached("namespaces", global);
  }

  @Override
  public List<String> contexts(GlobalOptions global) {
    return cached("contexts", global);
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
