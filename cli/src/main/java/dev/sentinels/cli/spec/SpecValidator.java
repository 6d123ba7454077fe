package dev.sentinels.cli.spec;

import dev.sentinels.api.DataMount;
import dev.sentinels.api.JobSpec;
import dev.sentinels.api.PriorityClass;
import dev.sentinels.api.Quantities;
import dev.sentinels.api.QueueConfig;
import dev.sentinels.api.Resources;
import dev.sentinels.api.Toleration;
import dev.sentinels.cli.support.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a parsed spec (see {@link SafeYaml}) into a {@link JobSpec}, checking every field. Reports
 * the first problem of each field, so one run shows everything to fix.
 */
final class SpecValidator {

  static final long DEFAULT_CPU_MILLIS = 1000;
  static final long DEFAULT_MEMORY_BYTES = 1L << 30;
  static final int MAX_RETRIES = 10;

  private static final Pattern PARAM_REFERENCE = Pattern.compile("\\$\\{params\\.([^}]*)}");

  private static final String LABEL_RULE =
      "use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit";

  private final QueueConfig config;
  private final List<SpecException.Problem> problems = new ArrayList<>();

  private SpecValidator(QueueConfig config) {
    this.config = config;
  }

  static JobSpec validate(Map<String, Object> spec, QueueConfig config) {
    return new SpecValidator(config).toJobSpec(spec);
  }

  private JobSpec toJobSpec(Map<String, Object> spec) {
    for (String field : spec.keySet()) {
      if (!SpecFields.TOP_LEVEL.contains(field)) {
        problems.add(
            new SpecException.Problem(
                field, "unknown field; " + SpecFields.suggestion(field, SpecFields.TOP_LEVEL)));
      }
    }
    String name = check(() -> name(spec.get("name")));
    String project = check(() -> project(spec.get("project")));
    String image = check(() -> image(spec.get("image")));
    Map<String, String> params =
        check(() -> stringMap("params", spec.get("params"), SpecValidator::checkParam));
    List<String> commandAsWritten = check(() -> strings("command", spec.get("command")));
    List<String> argsAsWritten = check(() -> strings("args", spec.get("args")));
    Map<String, String> envAsWritten =
        check(() -> stringMap("env", spec.get("env"), SpecValidator::checkEnv));
    Resources resources = check(() -> resources(spec.get("resources")));
    String priority = check(() -> priority(spec.get("priority")));
    String queue = check(() -> queue(spec.get("queue")));
    List<DataMount> data = check(() -> data(spec.get("data")));
    String artifacts = check(() -> absolutePath("artifacts", spec.get("artifacts")));
    Duration timeout = check(() -> timeout(spec.get("timeout")));
    Integer retries = check(() -> retries(spec.get("retries")));
    Map<String, String> labels =
        check(() -> stringMap("labels", spec.get("labels"), SpecValidator::checkLabel));
    Map<String, String> annotations =
        check(
            () ->
                stringMap("annotations", spec.get("annotations"), SpecValidator::checkAnnotation));
    Map<String, String> nodeSelector =
        check(() -> stringMap("nodeSelector", spec.get("nodeSelector"), SpecValidator::checkLabel));
    List<Toleration> tolerations = check(() -> tolerations(spec.get("tolerations")));

    // Cross-field rules, only where the fields themselves were fine.
    List<String> command = null;
    List<String> args = null;
    Map<String, String> env = null;
    if (params != null) {
      if (commandAsWritten != null) {
        command = check(() -> substituteAll("command", commandAsWritten, params));
      }
      if (argsAsWritten != null) {
        args = check(() -> substituteAll("args", argsAsWritten, params));
      }
      if (envAsWritten != null) {
        env = check(() -> substituteAll(envAsWritten, params));
      }
    }
    if (artifacts != null && data != null) {
      checkRule(() -> artifactsOutsideMounts(artifacts, data));
    }

    if (!problems.isEmpty()) {
      throw new SpecException(problems);
    }
    return new JobSpec(
        name,
        project == null ? name : project,
        image,
        command,
        args,
        env,
        params,
        resources,
        priority,
        queue,
        data,
        artifacts,
        timeout,
        retries,
        labels,
        annotations,
        nodeSelector,
        tolerations);
  }

  /** Runs one field's conversion; on failure records its problems and yields null. */
  private <T> T check(Supplier<T> conversion) {
    try {
      return conversion.get();
    } catch (SpecException e) {
      problems.addAll(e.problems());
      return null;
    }
  }

  private void checkRule(Runnable rule) {
    check(
        () -> {
          rule.run();
          return null;
        });
  }

  // --- single values

  private String name(Object value) {
    String name = dnsLabel("name", requiredText("name", value, "mnist-baseline"));
    if (name.length() > JobSpec.MAX_NAME_LENGTH) {
      throw new SpecException(
          "name",
          quote(name)
              + " is "
              + name.length()
              + " characters long; use at most "
              + JobSpec.MAX_NAME_LENGTH);
    }
    return name;
  }

  private static String dnsLabel(String field, String name) {
    if (!Formats.isDnsLabel(name)) {
      throw new SpecException(
          field,
          quote(name)
              + " is not a valid name; use lowercase letters, digits and '-', starting and ending"
              + " with a letter or digit");
    }
    return name;
  }

  private String project(Object value) {
    String project = optionalText("project", value);
    if (project != null && (project.isEmpty() || !Formats.isLabelValue(project))) {
      throw new SpecException(
          "project", quote(project) + " is not a valid project name; " + LABEL_RULE);
    }
    return project;
  }

  private String image(Object value) {
    String image = requiredText("image", value, "python:3.12-slim");
    if (image.chars().anyMatch(Character::isWhitespace)) {
      throw new SpecException("image", quote(image) + " contains whitespace; remove it");
    }
    return image;
  }

  private String priority(Object value) {
    String priority = optionalText("priority", value);
    if (priority != null && config.priorityClass(priority).isEmpty()) {
      List<String> known = config.priorityClasses().stream().map(PriorityClass::name).toList();
      throw new SpecException(
          "priority",
          "unknown priority class " + quote(priority) + "; known: " + String.join(", ", known));
    }
    return priority;
  }

  private String queue(Object value) {
    String queue = optionalText("queue", value);
    if (queue != null && !config.queues().containsKey(queue)) {
      throw new SpecException(
          "queue",
          "unknown queue "
              + quote(queue)
              + "; known: "
              + String.join(", ", config.queues().keySet()));
    }
    return queue;
  }

  private Duration timeout(Object value) {
    String text = optionalText("timeout", value);
    if (text == null) {
      return null;
    }
    Duration timeout =
        Durations.parse(text)
            .orElseThrow(
                () ->
                    new SpecException(
                        "timeout",
                        "must be a duration like 90s, 30m, 2h, 1h30m or 1d, got " + quote(text)));
    if (timeout.isZero()) {
      throw new SpecException("timeout", "must be more than 0; leave it out for no limit");
    }
    return timeout;
  }

  private Integer retries(Object value) {
    String text = optionalText("retries", value);
    if (text == null) {
      return 0;
    }
    return Formats.wholeNumber(text)
        .filter(n -> n <= MAX_RETRIES)
        .map(Long::intValue)
        .orElseThrow(
            () ->
                new SpecException(
                    "retries",
                    "must be a whole number from 0 to " + MAX_RETRIES + ", got " + quote(text)));
  }

  private String absolutePath(String field, Object value) {
    String path = optionalText(field, value);
    if (path != null && !Formats.isAbsolutePath(path)) {
      throw new SpecException(field, "must be an absolute path without \"..\", got " + quote(path));
    }
    return path;
  }

  // --- resources

  private Resources resources(Object value) {
    if (value == null) {
      return new Resources(DEFAULT_CPU_MILLIS, DEFAULT_MEMORY_BYTES, 0);
    }
    Map<String, Object> resources =
        mapping("resources", value, "a mapping with cpu, memory and gpu");
    rejectUnknown("resources", resources.keySet(), SpecFields.RESOURCES);
    long cpu =
        quantity(
            "resources.cpu",
            resources.get("cpu"),
            DEFAULT_CPU_MILLIS,
            Quantities::parseCpuMillis,
            "a CPU amount like 2, 0.5 or 500m");
    long memory =
        quantity(
            "resources.memory",
            resources.get("memory"),
            DEFAULT_MEMORY_BYTES,
            Quantities::parseBytes,
            "a memory amount like 512Mi, 4Gi or 1G");
    String gpuText = optionalText("resources.gpu", resources.get("gpu"));
    long gpus =
        gpuText == null
            ? 0
            : Formats.wholeNumber(gpuText)
                .orElseThrow(
                    () ->
                        new SpecException(
                            "resources.gpu", "must be a whole number >= 0, got " + quote(gpuText)));
    return new Resources(cpu, memory, gpus);
  }

  private static long quantity(
      String field, Object value, long absent, ToLongFunction<String> parser, String expected) {
    String text = optionalText(field, value);
    if (text == null) {
      return absent;
    }
    long amount;
    try {
      amount = parser.applyAsLong(text);
    } catch (IllegalArgumentException e) {
      throw new SpecException(field, "must be " + expected + ", got " + quote(text));
    }
    if (amount <= 0) {
      throw new SpecException(field, "must be more than 0, got " + quote(text));
    }
    return amount;
  }

  // --- data mounts

  private List<DataMount> data(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> items)) {
      throw new SpecException("data", "must be a list of mounts, got " + describe(value));
    }
    List<DataMount> mounts = new ArrayList<>();
    Map<String, String> namesSeen = new HashMap<>();
    Map<String, String> pathsSeen = new HashMap<>();
    for (Object item : items) {
      String field = "data[" + mounts.size() + "]";
      DataMount mount = dataMount(field, item);
      claimOnce(
          namesSeen, mount.name(), mount.name(), field, ".name", "give each mount its own name");
      claimOnce(
          pathsSeen,
          Formats.normalizedPath(mount.mountPath()),
          mount.mountPath(),
          field,
          ".mountPath",
          "mount each at its own path");
      mounts.add(mount);
    }
    return mounts;
  }

  /** Records that mount {@code field} uses {@code key}; fails if an earlier mount did. */
  private static void claimOnce(
      Map<String, String> seen,
      String key,
      String written,
      String field,
      String subField,
      String fix) {
    String earlier = seen.putIfAbsent(key, field);
    if (earlier != null) {
      throw new SpecException(
          field + subField, quote(written) + " is already used by " + earlier + "; " + fix);
    }
  }

  private DataMount dataMount(String field, Object value) {
    Map<String, Object> mount =
        mapping(field, value, "a mapping with name, mountPath and claim or hostPath");
    rejectUnknown(field, mount.keySet(), SpecFields.DATA_MOUNT);
    String name =
        dnsLabel(field + ".name", requiredText(field + ".name", mount.get("name"), "imagenet"));
    String claim = optionalText(field + ".claim", mount.get("claim"));
    String hostPath = absolutePath(field + ".hostPath", mount.get("hostPath"));
    if (claim != null && hostPath != null) {
      throw new SpecException(field, "has both claim and hostPath; keep one");
    }
    if (claim == null && hostPath == null) {
      throw new SpecException(
          field, "needs claim (a PersistentVolumeClaim) or hostPath (a directory on the node)");
    }
    if (claim != null && !Formats.isDnsSubdomain(claim)) {
      throw new SpecException(
          field + ".claim",
          quote(claim) + " is not a valid claim name; use lowercase letters, digits, '-' and '.'");
    }
    String subPath = optionalText(field + ".subPath", mount.get("subPath"));
    if (subPath != null && !Formats.isRelativePath(subPath)) {
      throw new SpecException(
          field + ".subPath", "must be a relative path without \"..\", got " + quote(subPath));
    }
    requiredText(field + ".mountPath", mount.get("mountPath"), "/data/" + name);
    String mountPath = absolutePath(field + ".mountPath", mount.get("mountPath"));
    return new DataMount(name, claim, hostPath, subPath, mountPath);
  }

  private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

  /** Kubernetes tolerations: key, operator (Equal or Exists), value, effect. */
  private static List<Toleration> tolerations(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> items)) {
      throw new SpecException(
          "tolerations",
          "must be a list of tolerations, e.g. [{key: gpu, operator: Exists, effect: NoSchedule}]");
    }
    List<Toleration> tolerations = new ArrayList<>();
    for (Object item : items) {
      String field = "tolerations[" + tolerations.size() + "]";
      Map<String, Object> t = mapping(field, item, "a mapping with key, operator, value, effect");
      rejectUnknown(field, t.keySet(), SpecFields.TOLERATION);
      String key = optionalText(field + ".key", t.get("key"));
      String operator = optionalText(field + ".operator", t.get("operator"));
      String tolerated = optionalText(field + ".value", t.get("value"));
      String effect = optionalText(field + ".effect", t.get("effect"));
      if (operator != null
          && !operator.equals(Toleration.EQUAL)
          && !operator.equals(Toleration.EXISTS)) {
        throw new SpecException(
            field + ".operator", "must be Equal or Exists, got " + quote(operator));
      }
      if (key != null && !Formats.isLabelKey(key)) {
        throw new SpecException(field + ".key", quote(key) + " is not a valid taint key");
      }
      if (key == null && !Toleration.EXISTS.equals(operator)) {
        throw new SpecException(
            field, "without a key needs operator: Exists (it tolerates every taint)");
      }
      if (Toleration.EXISTS.equals(operator) && tolerated != null) {
        throw new SpecException(field + ".value", "must be left out with operator: Exists");
      }
      if (effect != null && !EFFECTS.contains(effect)) {
        throw new SpecException(
            field + ".effect",
            "must be NoSchedule, PreferNoSchedule or NoExecute, got " + quote(effect));
      }
      tolerations.add(new Toleration(key, operator, tolerated, effect));
    }
    return tolerations;
  }

  private static void artifactsOutsideMounts(String artifacts, List<DataMount> data) {
    for (int i = 0; i < data.size(); i++) {
      if (Formats.isWithin(artifacts, data.get(i).mountPath())) {
        throw new SpecException(
            "artifacts",
            quote(artifacts)
                + " is inside the read-only mount data["
                + i
                + "] at "
                + quote(data.get(i).mountPath())
                + "; write artifacts elsewhere");
      }
    }
  }

  // --- lists and mappings of strings

  /** A list of strings, or a single string standing for a list of one. */
  private static List<String> strings(String field, Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof String single) {
      return List.of(single);
    }
    if (!(value instanceof List<?> items)) {
      throw new SpecException(
          field, "must be a list of strings or a single string, got " + describe(value));
    }
    List<String> strings = new ArrayList<>();
    for (Object item : items) {
      String itemField = field + "[" + strings.size() + "]";
      if (item == null) {
        throw new SpecException(itemField, "is empty; remove it or write \"\" for an empty one");
      }
      strings.add(scalar(itemField, item));
    }
    return strings;
  }

  /** A mapping of checked keys to scalar values, kept in the order written. */
  private static Map<String, String> stringMap(String field, Object value, EntryCheck check) {
    if (value == null) {
      return Map.of();
    }
    Map<String, Object> map = mapping(field, value, "a mapping of names to values");
    Map<String, String> strings = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : map.entrySet()) {
      String entryField = field + "." + entry.getKey();
      if (entry.getValue() == null) {
        throw new SpecException(entryField, "has no value; write \"\" for an empty one");
      }
      String text = scalar(entryField, entry.getValue());
      check.check(entryField, entry.getKey(), text);
      strings.put(entry.getKey(), text);
    }
    return strings;
  }

  private interface EntryCheck {
    void check(String field, String key, String value);
  }

  private static void checkEnv(String field, String name, String value) {
    if (!Formats.isEnvName(name)) {
      throw new SpecException(
          field,
          "is not a valid variable name; use letters, digits and '_', not starting with a digit");
    }
  }

  private static void checkParam(String field, String name, String value) {
    if (!Formats.isParamName(name)) {
      throw new SpecException(
          field,
          "is not a valid parameter name; use letters, digits, '_', '-' and '.', starting with a"
              + " letter or '_'");
    }
  }

  private static void checkAnnotation(String field, String key, String value) {
    if (!Formats.isLabelKey(key)) {
      throw new SpecException(
          field,
          "is not a valid annotation key; "
              + LABEL_RULE
              + ", optionally after a DNS prefix and '/'");
    }
  }

  private static void checkLabel(String field, String key, String value) {
    if (!Formats.isLabelKey(key)) {
      throw new SpecException(
          field,
          "is not a valid label key; " + LABEL_RULE + ", optionally after a DNS prefix and '/'");
    }
    if (!Formats.isLabelValue(value)) {
      throw new SpecException(
          field, quote(value) + " is not a valid label value; " + LABEL_RULE + ", or empty");
    }
  }

  // --- ${params.NAME}

  private static List<String> substituteAll(
      String field, List<String> values, Map<String, String> params) {
    List<String> substituted = new ArrayList<>();
    for (String value : values) {
      substituted.add(substitute(field + "[" + substituted.size() + "]", value, params));
    }
    return substituted;
  }

  private static Map<String, String> substituteAll(
      Map<String, String> env, Map<String, String> params) {
    Map<String, String> substituted = new LinkedHashMap<>();
    env.forEach((key, value) -> substituted.put(key, substitute("env." + key, value, params)));
    return substituted;
  }

  private static String substitute(String field, String value, Map<String, String> params) {
    Matcher reference = PARAM_REFERENCE.matcher(value);
    StringBuilder result = new StringBuilder();
    while (reference.find()) {
      String param = reference.group(1);
      String replacement = params.get(param);
      if (replacement == null) {
        String hint =
            params.isEmpty()
                ? "define it under params"
                : SpecFields.closest(param, params.keySet())
                    .map(match -> "did you mean \"" + match + "\"?")
                    .orElse("known: " + String.join(", ", params.keySet()));
        throw new SpecException(
            field, "unknown parameter " + quote(param) + " in " + reference.group() + "; " + hint);
      }
      reference.appendReplacement(result, Matcher.quoteReplacement(replacement));
    }
    reference.appendTail(result);
    return result.toString();
  }

  // --- shapes

  private static void rejectUnknown(String field, Collection<String> keys, List<String> known) {
    for (String key : keys) {
      if (!known.contains(key)) {
        throw new SpecException(
            field + "." + key, "unknown field; " + SpecFields.suggestion(key, known));
      }
    }
  }

  private static String requiredText(String field, Object value, String example) {
    String text = optionalText(field, value);
    if (text == null || text.isBlank()) {
      String key = field.substring(field.lastIndexOf('.') + 1);
      throw new SpecException(field, "is required; add e.g. \"" + key + ": " + example + "\"");
    }
    return text;
  }

  private static String optionalText(String field, Object value) {
    return value == null ? null : scalar(field, value);
  }

  private static String scalar(String field, Object value) {
    if (value instanceof String text) {
      return text;
    }
    throw new SpecException(field, "must be a string, number or boolean, got " + describe(value));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mapping(String field, Object value, String expected) {
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new SpecException(field, "must be " + expected + ", got " + describe(value));
  }

  static String describe(Object value) {
    if (value instanceof List<?>) {
      return "a list";
    }
    if (value instanceof Map<?, ?>) {
      return "a mapping";
    }
    return value == null ? "nothing" : quote((String) value);
  }

  /** A user's value in double quotes, shortened: it may be a whole paragraph. */
  static String quote(String text) {
    String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
    return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
