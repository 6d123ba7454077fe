package dev.sentinels.cli.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Changes to a spec from the command line, applied in the order given to the parsed YAML before
 * validation, so a value from a flag is checked exactly like one from the file.
 *
 * <p>{@link #set(String)} takes {@code --set PATH=VALUE}. PATH is a top-level field ({@code
 * timeout}), a resource ({@code resources.gpu}) or a key of {@code env}, {@code params} or {@code
 * labels} (everything after the first dot, so {@code labels.example.com/team} works). VALUE is
 * taken as written, except that one starting with {@code [ { " '} is parsed as a YAML flow value
 * ({@code command=[python, train.py]}), and an empty value, {@code null} or {@code ~} removes the
 * field or key.
 *
 * <p>The convenience methods ({@link #image}, {@link #gpus}, ...) match the flags of the same names
 * and do nothing when given null, so a command can pass its options through unchecked.
 */
public final class SpecOverrides {

  /** The value {@code path} gets (null: removed); {@code origin} names the flag for errors. */
  /** One change; {@code append} adds the value to the list at {@code path} instead. */
  private record Override(String path, Object value, String origin, boolean append) {
    Override(String path, Object value, String origin) {
      this(path, value, origin, false);
    }
  }

  private final List<Override> overrides = new ArrayList<>();

  /** Adds {@code PATH=VALUE} from {@code --set}; a malformed assignment fails here. */
  public SpecOverrides set(String assignment) {
    int equals = assignment.indexOf('=');
    String path = equals < 0 ? assignment.strip() : assignment.substring(0, equals).strip();
    String origin = "--set " + path;
    if (equals <= 0 || path.isEmpty()) {
      throw new SpecException(
          "--set " + assignment, "expected PATH=VALUE, e.g. --set resources.gpu=2");
    }
    String value = assignment.substring(equals + 1);
    overrides.add(new Override(path, parseValue(value, path, origin), origin));
    return this;
  }

  public SpecOverrides name(String name) {
    return literal("name", name, "--name");
  }

  public SpecOverrides image(String image) {
    return literal("image", image, "--image");
  }

  public SpecOverrides cpu(String cpu) {
    return literal("resources.cpu", cpu, "--cpu");
  }

  public SpecOverrides memory(String memory) {
    return literal("resources.memory", memory, "--memory");
  }

  public SpecOverrides gpus(String gpus) {
    return literal("resources.gpu", gpus, "--gpus");
  }

  public SpecOverrides priority(String priority) {
    return literal("priority", priority, "--priority");
  }

  public SpecOverrides queue(String queue) {
    return literal("queue", queue, "--queue");
  }

  /** {@code --node-selector KEY=VALUE}: one label the job's nodes must have. */
  public SpecOverrides nodeSelector(String assignment) {
    int equals = assignment.indexOf('=');
    if (equals <= 0) {
      throw new SpecException(
          "--node-selector " + assignment, "expected KEY=VALUE, e.g. --node-selector gpu=a100");
    }
    String key = assignment.substring(0, equals).strip();
    return literal(
        "nodeSelector." + key, assignment.substring(equals + 1).strip(), "--node-selector " + key);
  }

  /**
   * {@code --toleration KEY[=VALUE][:EFFECT]}, as {@code kubectl taint} writes a taint: tolerates
   * it (with no value, any value: operator Exists). Adds to the spec's tolerations.
   */
  public SpecOverrides toleration(String taint) {
    String origin = "--toleration " + taint;
    int colon = taint.lastIndexOf(':');
    String keyValue = colon < 0 ? taint : taint.substring(0, colon);
    int equals = keyValue.indexOf('=');
    String key = (equals < 0 ? keyValue : keyValue.substring(0, equals)).strip();
    if (key.isEmpty()) {
      throw new SpecException(
          origin, "expected KEY[=VALUE][:EFFECT], e.g. --toleration nvidia.com/gpu:NoSchedule");
    }
    Map<String, Object> toleration = new LinkedHashMap<>();
    toleration.put("key", key);
    if (equals < 0) {
      toleration.put("operator", "Exists");
    } else {
      toleration.put("operator", "Equal");
      toleration.put("value", keyValue.substring(equals + 1).strip());
    }
    if (colon >= 0) {
      toleration.put("effect", taint.substring(colon + 1).strip());
    }
    overrides.add(new Override("tolerations", toleration, origin, true));
    return this;
  }

  /**
   * The command line after {@code --}: it replaces {@code command} and clears {@code args}, since
   * it is the whole command. Null or empty changes nothing.
   */
  public SpecOverrides command(List<String> commandLine) {
    if (commandLine != null && !commandLine.isEmpty()) {
      overrides.add(new Override("command", new ArrayList<Object>(commandLine), "--"));
      overrides.add(new Override("args", null, "--"));
    }
    return this;
  }

  public boolean isEmpty() {
    return overrides.isEmpty();
  }

  private SpecOverrides literal(String path, String value, String flag) {
    if (value != null) {
      overrides.add(new Override(path, value, flag));
    }
    return this;
  }

  private static Object parseValue(String text, String path, String origin) {
    String value = text.strip();
    if (value.isEmpty() || value.equals("null") || value.equals("~")) {
      return null;
    }
    // Only values that must be YAML are parsed: "#fff" or "a: b" as plain YAML would surprise.
    return switch (value.charAt(0)) {
      case '[', '{', '"', '\'' -> SafeYaml.parse(value, origin, path);
      default -> value;
    };
  }

  /** Applies the overrides to a parsed spec (a mutable mapping), in order. */
  void applyTo(Map<String, Object> spec) {
    for (Override override : overrides) {
      apply(spec, override);
    }
  }

  private static void apply(Map<String, Object> spec, Override override) {
    String path = override.path();
    int dot = path.indexOf('.');
    String field = dot < 0 ? path : path.substring(0, dot);
    if (!SpecFields.TOP_LEVEL.contains(field)) {
      throw new SpecException(
          override.origin(),
          "unknown field \"" + field + "\"; " + SpecFields.suggestion(field, SpecFields.TOP_LEVEL));
    }
    if (override.append()) {
      List<Object> items = new ArrayList<>();
      if (spec.get(field) instanceof List<?> existing) {
        items.addAll(existing);
      }
      items.add(override.value());
      spec.put(field, items);
      return;
    }
    if (dot < 0) {
      put(spec, field, override.value());
      return;
    }
    String key = path.substring(dot + 1);
    if (SpecFields.FREE_MAPPINGS.contains(field) && !key.isEmpty()) {
      put(mapping(spec, field), key, override.value());
    } else if (field.equals("resources") && SpecFields.RESOURCES.contains(key)) {
      put(mapping(spec, field), key, override.value());
    } else if (field.equals("resources")) {
      throw new SpecException(
          override.origin(),
          "unknown field \""
              + key
              + "\" in resources; "
              + SpecFields.suggestion(key, SpecFields.RESOURCES));
    } else if (key.isEmpty()) {
      throw new SpecException(override.origin(), "missing the key after \"" + field + ".\"");
    } else {
      throw new SpecException(
          override.origin(),
          "\"" + field + "\" has no fields of its own; set it whole: --set " + field + "=VALUE");
    }
  }

  private static void put(Map<String, Object> map, String key, Object value) {
    if (value == null) {
      map.remove(key);
    } else {
      map.put(key, value);
    }
  }

  /** The mapping at {@code field}, made (replacing any non-mapping) when missing. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> mapping(Map<String, Object> spec, String field) {
    if (spec.get(field) instanceof Map<?, ?> existing) {
      return (Map<String, Object>) existing;
    }
    Map<String, Object> created = new LinkedHashMap<>();
    spec.put(field, created);
    return created;
  }
}
