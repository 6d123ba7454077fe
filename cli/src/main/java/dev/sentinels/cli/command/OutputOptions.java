package dev.sentinels.cli.command;

import picocli.CommandLine.Option;

/** kubectl's -o: table (default), wide, json, yaml or name. */
public final class OutputOptions {

  /** Output formats, as kubectl names them. */
  public enum Format {
    table,
    wide,
    json,
    yaml,
    name
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: table).")
  Format format = Format.table;

  @Option(names = "--no-headers", description = "Print tables without the header line.")
  boolean noHeaders;

  public Format format() {
    return format;
  }

  public boolean structured() {
    return format == Format.json || format == Format.yaml;
  }
}
