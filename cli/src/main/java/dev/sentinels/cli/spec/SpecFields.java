package dev.sentinels.cli.spec;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The fields a spec may have. The reader, the {@code --set} paths and the JSON schema test all use
 * these lists, so a field added here is added everywhere or the schema test fails.
 */
final class SpecFields {

  /** Top-level fields, in the order people usually write them. */
  static final List<String> TOP_LEVEL =
      List.of(
          "name",
          "project",
          "image",
          "command",
          "args",
          "env",
          "params",
          "resources",
          "priority",
          "queue",
          "data",
          "artifacts",
          "timeout",
          "retries",
          "labels",
          "annotations",
          "nodeSelector",
          "tolerations");

  static final List<String> RESOURCES = List.of("cpu", "memory", "gpu");

  static final List<String> DATA_MOUNT =
      List.of("name", "claim", "hostPath", "subPath", "mountPath");

  static final List<String> TOLERATION = List.of("key", "operator", "value", "effect");

  /** Mappings whose keys are the user's own (names of variables, parameters, labels). */
  static final Set<String> FREE_MAPPINGS =
      Set.of("env", "params", "labels", "annotations", "nodeSelector");

  private SpecFields() {}

  /** {@code did you mean "resources"?} when a known name is close, else the known names. */
  static String suggestion(String typed, Collection<String> known) {
    return closest(typed, known)
        .map(match -> "did you mean \"" + match + "\"?")
        .orElse("known fields: " + String.join(", ", known));
  }

  /** The known name a typo most likely meant, if any is close enough to be a fair guess. */
  static Optional<String> closest(String typed, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = distance(normalized(typed), normalized(candidate));
      // Short names tolerate one edit, longer ones more: "gpus" -> gpu, "retry" -> retries.
      int tolerated = candidate.length() <= 4 ? 1 : candidate.length() <= 6 ? 2 : 3;
      if (distance <= tolerated && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Case and separators are not typos worth counting: mount_path and mountpath mean mountPath. */
  private static String normalized(String name) {
    return name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
  }

  /** Levenshtein distance with adjacent transpositions (optimal string alignment). */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
