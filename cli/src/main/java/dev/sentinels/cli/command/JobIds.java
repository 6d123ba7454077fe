package dev.sentinels.cli.command;

import dev.sentinels.cli.support.SentinelException;
import java.util.List;

/** A job as users name it: its id, or {@code job/<id>} as {@code -o name} prints it. */
final class JobIds {

  private JobIds() {}

  static String parse(String value) {
    String id = value.startsWith("job/") ? value.substring(4) : value;
    if (id.isEmpty() || id.contains("/")) {
      throw SentinelException.invalid(
          "JOB: '" + value + "' is not a job; name one as <id> or job/<id>");
    }
    return id;
  }

  static List<String> parse(List<String> values) {
    return values.stream().map(JobIds::parse).toList();
  }
}
