package dev.sentinels.cli.command;

import dev.sentinels.cli.support.RecordCodec;
import java.io.PrintStream;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Prints values as JSON or YAML for scripts; tables are the commands' own. */
public final class Printer {

  private static final YAMLMapper YAML =
      YAMLMapper.builder().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).build();

  private Printer() {}

  /** Prints {@code value} in the structured {@code format} (json or yaml). */
  public static void structured(PrintStream out, OutputOptions.Format format, Object value) {
    if (format == OutputOptions.Format.yaml) {
      out.print(YAML.writeValueAsString(value));
    } else {
      out.println(RecordCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
    }
    out.flush();
  }
}
