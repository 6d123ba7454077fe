package dev.sentinels.cli.command;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** kubectl's {@code -o}: a table (default), a wider one, json, yaml, or just names. */
public enum OutputFormat {
  table,
  wide,
  json,
  yaml,
  name;

  public boolean structured() {
    return this == json || this == yaml;
  }

  /** The values, for completion and help: never file names. */
  static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(values()).map(Enum::name).iterator();
    }
  }

  static final class Converter implements ITypeConverter<OutputFormat> {
    @Override
    public OutputFormat convert(String value) {
      try {
        return valueOf(value.toLowerCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "'" + value + "' is not an output format; use table, wide, json, yaml or name");
      }
    }
  }
}
