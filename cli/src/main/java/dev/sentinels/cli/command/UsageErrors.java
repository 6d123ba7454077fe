package dev.sentinels.cli.command;

import dev.sentinels.cli.support.ExitCodes;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How a command line picocli could not parse is refused, as kubectl refuses one: one line saying
 * what is wrong, a "did you mean" only when a name is really close, and where the help is; exit 2.
 */
final class UsageErrors {

  /** Edits that still count as a typo of a name (two, or one for short names). */
  private static final int CLOSE = 2;

  private UsageErrors() {}

  static int report(ParameterException e, String[] args) {
    CommandLine where = e.getCommandLine();
    PrintWriter err = where.getErr();
    err.println("error: " + message(e));
    err.println("See '" + where.getCommandSpec().qualifiedName() + " --help' for usage.");
    err.flush();
    return ExitCodes.USAGE;
  }

  static String message(ParameterException e) {
    if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      String arg = unmatched.getUnmatched().get(0);
      CommandLine.Model.CommandSpec spec = e.getCommandLine().getCommandSpec();
      if (arg.startsWith("-")) {
        String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        List<String> flags =
            spec.options().stream().flatMap(o -> java.util.Arrays.stream(o.names())).toList();
        return "unknown flag: "
            + flag
            + closest(flag, flags).map(c -> " (did you mean " + c + "?)").orElse("");
      }
      if (!spec.subcommands().isEmpty() && spec.positionalParameters().isEmpty()) {
        return "unknown command \""
            + arg
            + "\" for \""
            + spec.qualifiedName()
            + "\""
            + closest(arg, List.copyOf(spec.subcommands().keySet()))
                .map(c -> " (did you mean " + c + "?)")
                .orElse("");
      }
      return "unexpected argument \"" + arg + "\"";
    }
    String text = e.getMessage() == null ? "invalid command line" : e.getMessage();
    return text.replaceAll("\\s+", " ").trim();
  }

  /** The candidate within a typo's reach of {@code typed}, if exactly one is nearest. */
  static Optional<String> closest(String typed, List<String> candidates) {
    int limit = typed.replaceFirst("^-+", "").length() <= 4 ? 1 : CLOSE;
    return candidates.stream()
        .filter(c -> distance(typed, c) <= limit)
        .min(Comparator.comparingInt((String c) -> distance(typed, c)).thenComparing(c -> c));
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
