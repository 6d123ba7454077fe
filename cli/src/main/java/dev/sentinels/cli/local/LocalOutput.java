package dev.sentinels.cli.local;

import dev.sentinels.cli.engine.port.JobOutput;
import dev.sentinels.cli.support.ExitCodes;
import dev.sentinels.cli.support.SentinelException;
import dev.sentinels.cli.support.Sleeping;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * A local job's {@code output.log}: stdout and stderr of every attempt, as the wrapper wrote it;
 * {@code since} is found in its {@link OutputIndex}.
 */
final class LocalOutput implements JobOutput {

  private static final long FOLLOW_MILLIS = 200;

  private final Path file;

  LocalOutput(Path file) {
    this.file = file;
  }

  @Override
  public void copy(
      Integer tailLines, Instant since, boolean follow, BooleanSupplier jobEnded, PrintStream out) {
    try (RandomAccessFile output = new RandomAccessFile(file.toFile(), "r")) {
      long position = tailLines == null ? 0 : tailStart(output, tailLines);
      if (since != null) {
        // A look can end mid-line; that line is whole only in a later look, so it is since's too.
        position =
            Math.max(position, lineStart(output, new OutputIndex(file.getParent()).startOf(since)));
      }
      byte[] buffer = new byte[64 * 1024];
      while (true) {
        boolean ended = !follow || jobEnded.getAsBoolean();
        output.seek(position);
        int read;
        while ((read = output.read(buffer)) > 0) {
          out.write(buffer, 0, read);
          position += read;
        }
        out.flush();
        if (ended || Thread.currentThread().isInterrupted()) {
          return; // read once more after seeing it end: nothing written before is lost
        }
        Sleeping.sleep(FOLLOW_MILLIS);
      }
    } catch (IOException e) {
      throw new SentinelException(ExitCodes.INTERNAL, "cannot read " + file + ": " + e, e);
    }
  }

  /** Where the line holding {@code position} starts. */
  private static long lineStart(RandomAccessFile file, long position) throws IOException {
    while (position > 0) {
      file.seek(position - 1);
      if (file.read() == '\n') {
        return position;
      }
      position--;
    }
    return 0;
  }

  /** Where the last {@code lines} lines of the file start. */
  private static long tailStart(RandomAccessFile file, int lines) throws IOException {
    long length = file.length();
    if (lines <= 0) {
      return length;
    }
    long position = length;
    int newlines = 0;
    // A final newline ends the last line rather than starting an empty one.
    if (position > 0) {
      file.seek(position - 1);
      if (file.read() == '\n') {
        position--;
      }
    }
    while (position > 0) {
      file.seek(position - 1);
      if (file.read() == '\n' && ++newlines == lines) {
        return position;
      }
      position--;
    }
    return 0;
  }
}
