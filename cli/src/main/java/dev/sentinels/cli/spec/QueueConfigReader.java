package dev.sentinels.cli.spec;

import dev.sentinels.api.PriorityClass;
import dev.sentinels.api.Quantities;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Resources;
import dev.sentinels.cli.support.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the queue configuration a data engineer writes ({@code config.yaml} in the {@code
 * sentinel-config} ConfigMap, or locally):
 *
 * <pre>
 * priorityClasses:
 *   - {name: low, value: 100}
 *   - {name: normal, value: 1000}
 * defaultPriority: normal
 * queues:
 *   - name: research
 *     quota: {cpu: 64, memory: 256Gi, gpu: 8}
 * starvationTimeout: 15m
 * </pre>
 *
 * Omitted parts keep {@link QueueConfig#defaults()}; errors name the field, as for specs.
 */
public final class QueueConfigReader {

  private static final Set<String> TOP_LEVEL =
      Set.of("priorityClasses", "defaultPriority", "queues", "starvationTimeout");

  private QueueConfigReader() {}

  /** Parses {@code yaml}; {@code source} prefixes error messages (e.g. the ConfigMap's name). */
  public static QueueConfig read(String yaml, String source) {
    return read(yaml, source, Set.of()).queueConfig();
  }

  /**
   * A configuration file with the queue keys at the top level next to other {@code sections} (the
   * local {@code config.yaml}): the queue configuration, and the other sections' values as parsed
   * (mappings, lists, strings) for their owners to check.
   */
  public record Document(QueueConfig queueConfig, Map<String, Object> sections) {}

  /** Like {@link #read(String, String)}, also accepting the top-level keys in {@code sections}. */
  public static Document read(String yaml, String source, Set<String> sections) {
    try {
      return parse(yaml, sections);
    } catch (SpecException e) {
      throw new SpecException(
          e.problems().stream()
              .map(p -> new SpecException.Problem(source + ": " + p.field(), p.message()))
              .toList());
    }
  }

  private static Document parse(String yaml, Set<String> sections) {
    Object root = SafeYaml.parse(yaml, "config", "");
    if (root == null) {
      return new Document(QueueConfig.defaults(), Map.of());
    }
    Map<String, Object> top = new LinkedHashMap<>(mapping("config", root));
    Set<String> known = new java.util.TreeSet<>(TOP_LEVEL);
    known.addAll(sections);
    Map<String, Object> other = new LinkedHashMap<>();
    for (String key : List.copyOf(top.keySet())) {
      if (!known.contains(key)) {
        throw new SpecException(key, "unknown field; " + SpecFields.suggestion(key, known));
      }
      if (sections.contains(key)) {
        other.put(key, top.remove(key));
      }
    }
    return new Document(parse(top), other);
  }

  private static QueueConfig parse(Map<String, Object> top) {
    QueueConfig defaults = QueueConfig.defaults();
    List<PriorityClass> classes = defaults.priorityClasses();
    if (top.containsKey("priorityClasses")) {
      classes = new ArrayList<>();
      List<Object> items = list("priorityClasses", top.get("priorityClasses"));
      for (int i = 0; i < items.size(); i++) {
        String field = "priorityClasses[" + i + "]";
        Map<String, Object> item = mapping(field, items.get(i));
        String name = dnsName(field + ".name", item.get("name"));
        long value = number(field + ".value", item.get("value"));
        if (value > 1_000_000_000L) {
          throw new SpecException(field + ".value", "must be at most 1000000000");
        }
        classes.add(new PriorityClass(name, (int) value, text(item.get("description"))));
      }
      if (classes.isEmpty()) {
        throw new SpecException("priorityClasses", "is empty; define at least one class");
      }
    }
    String defaultPriority =
        top.containsKey("defaultPriority")
            ? text(top.get("defaultPriority"))
            : classes.stream().anyMatch(c -> c.name().equals(defaults.defaultPriority()))
                ? defaults.defaultPriority()
                : classes.get(0).name();
    final String chosen = defaultPriority;
    if (classes.stream().noneMatch(c -> c.name().equals(chosen))) {
      throw new SpecException(
          "defaultPriority",
          "\""
              + chosen
              + "\" is not one of the priorityClasses; known: "
              + String.join(", ", classes.stream().map(PriorityClass::name).toList()));
    }
    Map<String, QueueConfig.Queue> queues = defaults.queues();
    if (top.containsKey("queues")) {
      queues = new LinkedHashMap<>();
      List<Object> items = list("queues", top.get("queues"));
      for (int i = 0; i < items.size(); i++) {
        String field = "queues[" + i + "]";
        Map<String, Object> item = mapping(field, items.get(i));
        String name = dnsName(field + ".name", item.get("name"));
        Resources quota =
            item.get("quota") == null ? null : quota(field + ".quota", item.get("quota"));
        queues.put(name, new QueueConfig.Queue(name, quota, text(item.get("description"))));
      }
    }
    Duration starvation = defaults.starvationTimeout();
    if (top.containsKey("starvationTimeout")) {
      String text = text(top.get("starvationTimeout"));
      starvation =
          Durations.parse(text)
              .orElseThrow(
                  () ->
                      new SpecException(
                          "starvationTimeout",
                          "\"" + text + "\" is not a duration; use e.g. 15m or 1h"));
    }
    return new QueueConfig(classes, defaultPriority, queues, starvation);
  }

  private static Resources quota(String field, Object value) {
    Map<String, Object> map = mapping(field, value);
    try {
      return new Resources(
          map.get("cpu") == null
              ? Resources.UNBOUNDED
              : Quantities.parseCpuMillis(text(map.get("cpu"))),
          map.get("memory") == null
              ? Resources.UNBOUNDED
              : Quantities.parseBytes(text(map.get("memory"))),
          map.get("gpu") == null ? Resources.UNBOUNDED : number(field + ".gpu", map.get("gpu")));
    } catch (IllegalArgumentException e) {
      throw new SpecException(field, e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mapping(String field, Object value) {
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new SpecException(field, "must be a mapping (key: value)");
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(String field, Object value) {
    if (value instanceof List<?> list) {
      return (List<Object>) list;
    }
    throw new SpecException(field, "must be a list");
  }

  private static String dnsName(String field, Object value) {
    String text = text(value);
    if (text == null || !Formats.isDnsLabel(text)) {
      throw new SpecException(field, "must be a lower-case DNS label such as high or team-a");
    }
    return text;
  }

  private static long number(String field, Object value) {
    String text = text(value);
    return Formats.wholeNumber(text == null ? "" : text)
        .orElseThrow(() -> new SpecException(field, "must be a whole number >= 0"));
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }
}
