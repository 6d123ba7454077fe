package dev.sentinels.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The output index as a runner killed mid-append leaves it: the torn look is never read as a look
 * (neither on its own, with a time cut short, nor run into the next one), and what it covered takes
 * the next whole look's time.
 */
class OutputIndexTest {

  private static final Instant FIRST = Instant.parse("2026-12-03T10:00:00.000000001Z");
  private static final Instant NEXT = Instant.parse("2026-12-03T10:00:05Z");
  private static final String WHOLE = "100 1796292000000000001\n";

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "nothing torn         | ''",
        "torn in its offset   | 12",
        "torn after the space | '120 '",
        "torn inside the time | 120 17962920",
        "torn before newline  | 120 1796292001000000000",
      })
  void aTornLookIsNeverReadAsOne(String name, String torn) throws Exception {
    Files.writeString(dir.resolve(OutputIndex.FILE), WHOLE + torn, StandardCharsets.US_ASCII);
    new OutputIndex(dir).record(200, NEXT);

    OutputIndex reread = new OutputIndex(dir);
    boolean wholeTime = torn.length() == "120 1796292001000000000".length();
    List<OutputIndex.Entry> expected =
        wholeTime
            ? List.of(
                new OutputIndex.Entry(100, FIRST),
                new OutputIndex.Entry(120, Instant.parse("2026-12-03T10:00:01Z")),
                new OutputIndex.Entry(200, NEXT))
            : List.of(new OutputIndex.Entry(100, FIRST), new OutputIndex.Entry(200, NEXT));
    assertEquals(expected, reread.entries());
    assertEquals(FIRST, reread.timeOf(100));
    assertEquals(wholeTime ? Instant.parse("2026-12-03T10:00:01Z") : NEXT, reread.timeOf(110));
    assertEquals(NEXT, reread.timeOf(200));
    assertEquals(null, reread.timeOf(201));
    assertEquals(wholeTime ? 120 : 100, reread.startOf(FIRST.plusSeconds(1)));
  }
}
