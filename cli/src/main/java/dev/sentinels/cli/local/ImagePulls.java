package dev.sentinels.cli.local;

import dev.sentinels.cli.config.SentinelHome;
import dev.sentinels.cli.support.RecordCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.type.TypeReference;

/**
 * Pulls that failed lately, by image, in {@code $SENTINEL_HOME/image-pulls.json}: what lets {@code
 * submit} warn that a job's image will not be had before its runner tries.
 */
final class ImagePulls {

  /** How long a failed pull is taken as still failing. */
  static final Duration REMEMBERED = Duration.ofHours(1);

  private static final String FILE = "image-pulls.json";

  private ImagePulls() {}

  /** A failed pull: when, and what the engine said. */
  record Failure(String at, String message) {}

  static synchronized void failed(SentinelHome home, String image, String message, Instant at) {
    Map<String, Failure> failures = read(home);
    failures.put(image, new Failure(at.toString(), message));
    try {
      Path file = home.dir().resolve(FILE);
      Path written =
          Files.writeString(
              home.dir().resolve(FILE + ".tmp"), RecordCodec.mapper().writeValueAsString(failures));
      Files.move(written, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // A warning the next submit does not give: nothing else depends on it.
    }
  }

  /** The latest failure to pull {@code image}, when recent. */
  static Optional<Failure> recentFailure(SentinelHome home, String image, Instant now) {
    Failure failure = read(home).get(image);
    if (failure == null || Instant.parse(failure.at()).plus(REMEMBERED).isBefore(now)) {
      return Optional.empty();
    }
    return Optional.of(failure);
  }

  private static Map<String, Failure> read(SentinelHome home) {
    try {
      return new LinkedHashMap<>(
          RecordCodec.mapper()
              .readValue(
                  Files.readString(home.dir().resolve(FILE)),
                  new TypeReference<Map<String, Failure>>() {}));
    } catch (IOException | RuntimeException e) {
      return new LinkedHashMap<>();
    }
  }
}
