package dev.sentinels.cli.cluster;

import dev.sentinels.cli.engine.port.SchedulerDriver;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The cluster's part of {@code sentinel scheduler}: watches records, Jobs, pods and nodes
 * (informers, not polling) and says a pass is due whenever one changes. Passes still read fresh
 * from the API server: the watches only say when.
 */
final class ClusterScheduler implements SchedulerDriver {

  private static final Duration DEBOUNCE = Duration.ofMillis(200);
  private static final Duration RESYNC = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final String namespace;
  private final AtomicBoolean dirty = new AtomicBoolean(true);
  private final AtomicBoolean configChanged = new AtomicBoolean();
  private final java.util.function.Supplier<String> reloadConfig;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final Runnable publishCapacity;
  private PrintStream log;

  /**
   * {@code reloadConfig} reads {@code sentinel-config} again and says what to log, if anything;
   * {@code publishCapacity} keeps the capacity a pass read for people who may not read it.
   */
  ClusterScheduler(
      KubernetesClient client,
      String namespace,
      java.util.function.Supplier<String> reloadConfig,
      Runnable publishCapacity) {
    this.client = client;
    this.namespace = namespace;
    this.reloadConfig = reloadConfig;
    this.publishCapacity = publishCapacity;
  }

  @Override
  public void afterPass(dev.sentinels.cli.engine.port.PassReport report) {
    try {
      publishCapacity.run();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      // Best effort: admission does not depend on it; the next pass writes it again.
      log.println(
          java.time.Instant.now() + " could not keep the capacity snapshot: " + e.getMessage());
    }
  }

  @Override
  public boolean open(AtomicBoolean stop, PrintStream log) {
    for (Informable<?> source :
        List.of(
            ManagedObjects.records(client, namespace),
            ManagedObjects.jobs(client, namespace),
            ManagedObjects.pods(client, namespace),
            client.nodes())) {
      informers.add(source.inform(trigger(), 0));
    }
    // helm upgrade (or kubectl edit) changes the configuration of a running scheduler.
    informers.add(
        client
            .configMaps()
            .inNamespace(namespace)
            .withField("metadata.name", KubernetesBackend.CONFIG_MAP)
            .inform(trigger(configChanged), 0));
    this.log = log;
    log.println(java.time.Instant.now() + " watching namespace " + namespace);
    return true;
  }

  @Override
  public boolean changed() {
    if (configChanged.getAndSet(false)) {
      String said = reloadConfig.get();
      if (said != null) {
        log.println(java.time.Instant.now() + " " + said);
      }
    }
    return dirty.getAndSet(false);
  }

  @Override
  public Duration tick() {
    return DEBOUNCE;
  }

  @Override
  public Duration resync() {
    return RESYNC;
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }

  private <T> ResourceEventHandler<T> trigger(AtomicBoolean... also) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        mark();
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        mark();
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        mark();
      }

      private void mark() {
        for (AtomicBoolean flag : also) {
          flag.set(true);
        }
        dirty.set(true);
      }
    };
  }
}
