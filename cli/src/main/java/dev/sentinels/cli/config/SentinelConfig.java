package dev.sentinels.cli.config;

import dev.sentinels.api.Quantities;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.cli.spec.Formats;
import dev.sentinels.cli.spec.QueueConfigReader;
import dev.sentinels.cli.support.Durations;
import dev.sentinels.cli.support.SentinelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code $SENTINEL_HOME/config.yaml}: which backend, the local machine's capacity, and the queue
 * configuration (the same top-level keys as the cluster's {@code sentinel-config} ConfigMap):
 *
 * <pre>
 * backend: local              # or kubernetes; default: kubernetes when a kubeconfig exists
 * local:
 *   capacity: {cpu: 4, memory: 8Gi, gpu: 0}   # default: detected
 *   idleTimeout: 60s          # the detached runner exits after this long with nothing to do
 *   engine: auto              # docker, podman or none: how jobs with an image run
 *   metricsPort: 9464         # the runner serves /metrics (and probes) on 127.0.0.1 there; off unset
 * priorityClasses: [...]      # defaultPriority, queues, starvationTimeout: as on the cluster
 * plugins: ...                # read by the plugins
 * </pre>
 *
 * Errors name the field, exit 2, like spec errors. Sections other features own are kept in {@link
 * #sections()} for them.
 */
public record SentinelConfig(
    Optional<String> backend,
    Capacity capacity,
    Duration idleTimeout,
    String containerEngine,
    Integer metricsPort,
    QueueConfig queueConfig,
    Map<String, Object> sections) {

  public static final String BACKEND_LOCAL = "local";
  public static final String BACKEND_KUBERNETES = "kubernetes";
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  private static final Set<String> SECTIONS = Set.of("backend", "local", "plugins");
  private static final Set<String> LOCAL_KEYS =
      Set.of("capacity", "idleTimeout", "engine", "metricsPort");
  private static final Set<String> ENGINES = Set.of("auto", "docker", "podman", "none");
  private static final Set<String> CAPACITY_KEYS = Set.of("cpu", "memory", "gpu");

  /** Local capacity as configured; null parts are detected from the machine. */
  public record Capacity(Long cpuMillis, Long memoryBytes, Long gpus) {
    public static final Capacity DETECTED = new Capacity(null, null, null);
  }

  public static SentinelConfig defaults() {
    return new SentinelConfig(
        Optional.empty(),
        Capacity.DETECTED,
        DEFAULT_IDLE_TIMEOUT,
        "auto",
        null,
        QueueConfig.defaults(),
        Map.of());
  }

  /** The home's {@code config.yaml}, or the defaults when there is none. */
  public static SentinelConfig load(SentinelHome home) {
    String yaml;
    try {
      yaml = Files.readString(home.configFile());
    } catch (NoSuchFileException e) {
      return defaults();
    } catch (IOException e) {
      throw SentinelException.invalid("cannot read " + home.configFile() + ": " + e.getMessage());
    }
    return parse(yaml, home.configFile().toString());
  }

  public static SentinelConfig parse(String yaml, String source) {
    QueueConfigReader.Document document = QueueConfigReader.read(yaml, source, SECTIONS);
    Map<String, Object> sections = document.sections();
    Optional<String> backend = Optional.empty();
    if (sections.get("backend") != null) {
      String value = sections.get("backend").toString();
      if (!value.equals(BACKEND_LOCAL) && !value.equals(BACKEND_KUBERNETES)) {
        throw invalid(source, "backend", "\"" + value + "\" is not local or kubernetes");
      }
      backend = Optional.of(value);
    }
    Capacity capacity = Capacity.DETECTED;
    Duration idle = DEFAULT_IDLE_TIMEOUT;
    String engine = "auto";
    Integer metricsPort = null;
    if (sections.get("local") != null) {
      Map<?, ?> local = mapping(source, "local", sections.get("local"));
      checkKeys(source, "local", local, LOCAL_KEYS);
      if (local.get("capacity") != null) {
        capacity = capacity(source, mapping(source, "local.capacity", local.get("capacity")));
      }
      if (local.get("idleTimeout") != null) {
        String text = local.get("idleTimeout").toString();
        idle =
            Durations.parse(text)
                .orElseThrow(
                    () ->
                        invalid(
                            source,
                            "local.idleTimeout",
                            "\"" + text + "\" is not a duration; use e.g. 60s or 5m"));
      }
      if (local.get("engine") != null) {
        engine = local.get("engine").toString();
        if (!ENGINES.contains(engine)) {
          throw invalid(
              source, "local.engine", "\"" + engine + "\" is not auto, docker, podman or none");
        }
      }
      if (local.get("metricsPort") != null) {
        String port = local.get("metricsPort").toString();
        if (!port.matches("[0-9]{1,5}")
            || Integer.parseInt(port) < 1
            || Integer.parseInt(port) > 65535) {
          throw invalid(
              source, "local.metricsPort", "\"" + port + "\" is not a port; give 1-65535");
        }
        metricsPort = Integer.parseInt(port);
      }
    }
    return new SentinelConfig(
        backend, capacity, idle, engine, metricsPort, document.queueConfig(), sections);
  }

  private static Capacity capacity(String source, Map<?, ?> map) {
    checkKeys(source, "local.capacity", map, CAPACITY_KEYS);
    Long cpu = null;
    Long memory = null;
    Long gpu = null;
    try {
      if (map.get("cpu") != null) {
        cpu = Quantities.parseCpuMillis(map.get("cpu").toString());
      }
    } catch (IllegalArgumentException e) {
      throw invalid(source, "local.capacity.cpu", e.getMessage());
    }
    try {
      if (map.get("memory") != null) {
        memory = Quantities.parseBytes(map.get("memory").toString());
      }
    } catch (IllegalArgumentException e) {
      throw invalid(source, "local.capacity.memory", e.getMessage());
    }
    if (map.get("gpu") != null) {
      gpu =
          Formats.wholeNumber(map.get("gpu").toString())
              .orElseThrow(
                  () -> invalid(source, "local.capacity.gpu", "must be a whole number >= 0"));
    }
    return new Capacity(cpu, memory, gpu);
  }

  private static Map<?, ?> mapping(String source, String field, Object value) {
    if (value instanceof Map<?, ?> map) {
      return map;
    }
    throw invalid(source, field, "must be a mapping (key: value)");
  }

  private static void checkKeys(String source, String field, Map<?, ?> map, Set<String> known) {
    for (Object key : map.keySet()) {
      if (!known.contains(String.valueOf(key))) {
        throw invalid(
            source,
            field + "." + key,
            "unknown field; known fields: " + String.join(", ", new java.util.TreeSet<>(known)));
      }
    }
  }

  private static SentinelException invalid(String source, String field, String message) {
    return SentinelException.invalid(source + ": " + field + ": " + message);
  }
}
