package dev.sentinels.cli.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When a local job's output was written: the wrapper writes bare bytes, so the runner notes, each
 * time it sees {@code output.log} grow, how far it reached and the file's last write then ({@code
 * output.index}, one {@code <end offset> <epoch nanos>} line per look). A line's time is that of
 * the first look that saw it whole, a tick late at most; it serves {@code logs --since} and the
 * {@code @timestamp} of shipped lines, so both agree and a re-sent line keeps its time.
 */
final class OutputIndex {

  static final String FILE = "output.index";

  /** Digits of a time in epoch nanoseconds from 2001 to 2286: a look torn in its time has fewer. */
  private static final int TIME_DIGITS = 19;

  /** Output up to {@code end} (exclusive) had been written by {@code at}. */
  record Entry(long end, Instant at) {}

  private final Path file;
  private List<Entry> entries;
  private boolean tailChecked;

  OutputIndex(Path jobDir) {
    this.file = jobDir.resolve(FILE);
  }

  /** The entries, oldest first (read once; {@link #record} keeps them current). */
  List<Entry> entries() {
    if (entries == null) {
      entries = read(file);
    }
    return entries;
  }

  /** The offset the last look reached, 0 before any. */
  long end() {
    List<Entry> all = entries();
    return all.isEmpty() ? 0 : all.get(all.size() - 1).end();
  }

  /** Notes that output up to {@code end} exists at {@code at}. */
  void record(long end, Instant at) throws IOException {
    if (end <= end()) {
      return;
    }
    long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
    // A runner killed mid-append leaves a line without its newline: end it, or this entry would
    // run into it and read as a wrong one.
    String torn = tornTail() ? "\n" : "";
    Files.writeString(
        file,
        torn + end + " " + nanos + "\n",
        StandardCharsets.US_ASCII,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    entries().add(new Entry(end, at));
  }

  private boolean tornTail() throws IOException {
    if (tailChecked) {
      return false;
    }
    tailChecked = true;
    try (java.io.RandomAccessFile index = new java.io.RandomAccessFile(file.toFile(), "r")) {
      if (index.length() == 0) {
        return false;
      }
      index.seek(index.length() - 1);
      return index.read() != '\n';
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      return false;
    }
  }

  /** When the line ending at {@code lineEnd} had been written; null past the last look. */
  Instant timeOf(long lineEnd) {
    List<Entry> all = entries();
    int low = 0;
    int high = all.size() - 1;
    Instant found = null;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      if (all.get(middle).end() >= lineEnd) {
        found = all.get(middle).at();
        high = middle - 1;
      } else {
        low = middle + 1;
      }
    }
    return found;
  }

  /** Where the lines written at or after {@code since} start: after every look before it. */
  long startOf(Instant since) {
    long start = 0;
    for (Entry entry : entries()) {
      if (!entry.at().isBefore(since)) {
        break;
      }
      start = entry.end();
    }
    return start;
  }

  private static List<Entry> read(Path file) {
    List<Entry> entries = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return entries;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    for (String line : lines) {
      int space = line.indexOf(' ');
      if (space < 0) {
        continue; // a look cut short by a crash: the next one covers it
      }
      if (line.length() - space - 1 != TIME_DIGITS) {
        continue; // a look torn inside its time (ended by the next look's newline): unknown time
      }
      try {
        long end = Long.parseLong(line.substring(0, space));
        long nanos = Long.parseLong(line.substring(space + 1));
        if (entries.isEmpty() || end > entries.get(entries.size() - 1).end()) {
          entries.add(
              new Entry(
                  end,
                  Instant.ofEpochSecond(
                      Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L))));
        }
      } catch (NumberFormatException e) {
        // the same: a partial line
      }
    }
    return entries;
  }
}
