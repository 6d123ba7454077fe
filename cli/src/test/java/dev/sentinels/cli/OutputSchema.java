package dev.sentinels.cli;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.sentinels.cli.spec.RepositoryFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/** docs/output.schema.json, the documented form of every command's -o json and -o yaml. */
public final class OutputSchema {

  private final Schema schema;

  private OutputSchema(Schema schema) {
    this.schema = schema;
  }

  public static OutputSchema load() throws IOException {
    String text = Files.readString(RepositoryFiles.resolve("docs/output.schema.json"));
    return new OutputSchema(
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(text));
  }

  /** What in {@code output} the schema refuses, one line each; empty when it conforms. */
  public List<String> problems(String output, boolean yaml) {
    return schema.validate(output, yaml ? InputFormat.YAML : InputFormat.JSON).stream()
        .map(e -> e.getInstanceLocation() + ": " + e.getMessage())
        .toList();
  }
}
