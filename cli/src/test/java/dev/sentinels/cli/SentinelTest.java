package dev.sentinels.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.cli.command.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SentinelTest {

  private record Result(int exitCode, String out, String err) {}

  private static Result run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Sentinel.run(args);
      return new Result(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void versionNamesTheBuiltVersion() {
    Result result = run("--version");
    assertEquals(ExitCodes.OK, result.exitCode());
    assertTrue(result.out().startsWith("sentinel 0."), result.out());
  }

  @Test
  void helpListsExitCodes() {
    Result result = run("--help");
    assertEquals(ExitCodes.OK, result.exitCode());
    assertTrue(result.out().contains("Usage: sentinel"), result.out());
    assertTrue(result.out().contains("Cannot reach the cluster"), result.out());
  }

  @Test
  void unknownOptionIsAUsageError() {
    Result result = run("--no-such-option");
    assertEquals(ExitCodes.USAGE, result.exitCode());
    assertTrue(result.err().contains("Unknown option: '--no-such-option'"), result.err());
  }
}
