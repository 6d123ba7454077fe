package dev.sentinels.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinels.cli.support.ExitCodes;
import org.junit.jupiter.api.Test;

class SentinelTest {

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void versionNamesTheBuiltVersion() {
    CliRun result = run("--version");
    assertEquals(ExitCodes.OK, result.exitCode());
    assertTrue(result.out().startsWith("sentinel 0."), result.out());
  }

  @Test
  void helpListsExitCodes() {
    CliRun result = run("--help");
    assertEquals(ExitCodes.OK, result.exitCode());
    assertTrue(result.out().contains("Usage: sentinel"), result.out());
    assertTrue(result.out().contains("Cannot reach the cluster"), result.out());
  }

  @Test
  void unknownOptionIsAUsageError() {
    CliRun result = run("--no-such-option");
    assertEquals(ExitCodes.USAGE, result.exitCode());
    assertEquals(
        "error: unknown flag: --no-such-option\nSee 'sentinel --help' for usage.\n", result.err());
  }
}
