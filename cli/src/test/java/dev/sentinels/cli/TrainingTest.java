package dev.sentinels.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sentinels.cli.config.SentinelHome;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TrainingTest {

  @Test
  void exercisesEveryPathQuietlyAndLeavesNothingBehind() throws IOException {
    PrintStream out = System.out;
    PrintStream err = System.err;
    String home = System.getProperty(SentinelHome.PROPERTY);
    long before = trainingDirs();

    assertEquals(java.util.List.of(), Training.exercise(), "every exercise ends as it should");

    assertSame(out, System.out);
    assertSame(err, System.err);
    assertEquals(home, System.getProperty(SentinelHome.PROPERTY));
    assertEquals(before, trainingDirs());
  }

  private static long trainingDirs() throws IOException {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(p -> p.getFileName().toString().startsWith("sentinel-training")).count();
    }
  }
}
