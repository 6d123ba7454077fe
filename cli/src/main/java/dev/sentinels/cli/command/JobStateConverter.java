package dev.sentinels.cli.command;

import dev.sentinels.api.JobState;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Accepts states as users write them: Running, running, RUNNING. */
final class JobStateConverter implements ITypeConverter<JobState> {
  @Override
  public JobState convert(String value) {
    try {
      return JobState.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
