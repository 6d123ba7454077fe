package dev.sentinels.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code logs --since} on local output prints whole lines only: a job's writes (a buffered stdout)
 * end mid-line, so a look can too, and the line it cuts belongs to the later look that saw it
 * whole, as the shipped line's time says (it once printed that line's tail alone).
 */
class LocalOutputTest {

  private static final String OUTPUT = "first\nsecond\nthird\n";
  private static final Instant EARLY = Instant.parse("2026-12-03T10:00:00Z");
  private static final Instant LATE = Instant.parse("2026-12-03T10:00:05Z");

  @TempDir Path dir;

  @ParameterizedTest(name = "first look ends at {0}")
  @CsvSource({
    "6,  'second\nthird\n'",
    "8,  'second\nthird\n'",
    "12, 'second\nthird\n'",
    "13, 'third\n'",
    "1,  'first\nsecond\nthird\n'",
  })
  void sinceStartsAtTheLineTheEarlierLookCut(long firstLookEnd, String expected) throws Exception {
    Files.writeString(dir.resolve("output.log"), OUTPUT, StandardCharsets.UTF_8);
    OutputIndex index = new OutputIndex(dir);
    index.record(firstLookEnd, EARLY);
    index.record(OUTPUT.length(), LATE);

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    new LocalOutput(dir.resolve("output.log"))
        .copy(null, EARLY.plusSeconds(1), false, () -> true, new PrintStream(printed, true));

    assertEquals(expected, printed.toString(StandardCharsets.UTF_8));
    assertEquals(LATE, index.timeOf(firstLookEnd + 1), "the cut line's time is the later look's");
  }
}
