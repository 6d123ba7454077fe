package dev.sentinels.cli.spec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A job spec (file, {@code --set} or flag) is not acceptable. Carries one or more problems, each a
 * field path and a one-line message meant for the person who wrote the spec; never a stack trace.
 */
public final class SpecException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * One thing wrong with a spec.
   *
   * @param field where: a dotted path such as {@code resources.gpu} or {@code data[1].mountPath};
   *     {@code spec} for the document as a whole; {@code --set PATH} for an override's path
   * @param message what is wrong and, where it is not obvious, how to fix it
   */
  public record Problem(String field, String message) {
    public Problem {
      // Keys and values come from users; a quoted "\n" in one must not break the line.
      field = oneLine(field.length() > MAX_FIELD ? field.substring(0, MAX_FIELD) + "..." : field);
      message = oneLine(message);
    }

    /** {@code <field>: <message>}, on one line. */
    @Override
    public String toString() {
      return field + ": " + message;
    }
  }

  /** Field paths hold the user's keys, which can be any length. */
  private static final int MAX_FIELD = 100;

  private final transient List<Problem> problems;

  public SpecException(String field, String message) {
    this(List.of(new Problem(field, message)));
  }

  public SpecException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a SpecException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  private static String oneLine(String text) {
    return text.replace("\r", "\\r").replace("\n", "\\n");
  }

  /** The problems, in the order of the fields they concern; at least one. */
  public List<Problem> problems() {
    return problems;
  }

  /** The field of the first problem. */
  public String field() {
    return problems.get(0).field();
  }

  /** One line a problem, each prefixed with {@code source: } (e.g. the file name) unless null. */
  public List<String> lines(String source) {
    String prefix = source == null ? "" : source + ": ";
    return problems.stream().map(problem -> prefix + problem).toList();
  }
}
