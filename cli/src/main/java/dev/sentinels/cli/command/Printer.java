package dev.sentinels.cli.command;

import dev.sentinels.cli.support.RecordCodec;
import java.io.PrintStream;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/** Prints the objects of {@link OutputObjects} as JSON or YAML, and names as kubectl does. */
public final class Printer {

  /** kubectl's YAML: no document marker, quotes only where a value would read back otherwise. */
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
          .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
          .enable(YAMLWriteFeature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .build();

  private Printer() {}

  /** One object, or a {@code List} of them, in the structured {@code format} (json or yaml). */
  public static void structured(PrintStream out, OutputFormat format, JsonNode value) {
    if (format == OutputFormat.yaml) {
      out.print(YAML.writeValueAsString(value));
    } else {
      out.println(RecordCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
    }
    out.flush();
  }

  /** As kubectl prints {@code get}: a single named object as itself, anything listed as a List. */
  static void objects(
      PrintStream out, OutputFormat format, List<? extends JsonNode> items, boolean single) {
    structured(out, format, single && items.size() == 1 ? items.get(0) : OutputObjects.list(items));
  }

  /** {@code kind/name}, lower case, as {@code -o name} prints every object. */
  static void names(PrintStream out, List<? extends JsonNode> items) {
    for (JsonNode item : items) {
      out.println(
          item.path("kind").asString().toLowerCase(java.util.Locale.ROOT)
              + "/"
              + item.path("metadata").path("name").asString());
    }
    out.flush();
  }
}
