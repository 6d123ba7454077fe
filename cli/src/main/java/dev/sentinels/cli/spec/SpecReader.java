package dev.sentinels.cli.spec;

import dev.sentinels.api.JobSpec;
import dev.sentinels.api.QueueConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a job spec: YAML (a file, text, or nothing at all), then {@link SpecOverrides} from the
 * command line, then validation against the queue configuration. Every problem is a {@link
 * SpecException}; problems with the document as a whole are reported on the field {@code spec}.
 *
 * <pre>{@code
 * JobSpec spec = new SpecReader(config).read(Path.of("train.yaml"), overrides);
 * }</pre>
 */
public final class SpecReader {

  /** The largest spec file accepted, in bytes (text: characters). */
  public static final int MAX_SIZE = SafeYaml.MAX_CHARS;

  static final String DOCUMENT = "spec";

  private final QueueConfig config;

  public SpecReader(QueueConfig config) {
    this.config = config;
  }

  /** Reads the spec file at {@code file}, then applies {@code overrides}. */
  public JobSpec read(Path file, SpecOverrides overrides) {
    return read(readText(file), overrides);
  }

  /** Reads a spec from YAML text, then applies {@code overrides}. */
  public JobSpec read(String yaml, SpecOverrides overrides) {
    Object tree = SafeYaml.parse(yaml, DOCUMENT, "");
    if (tree == null) {
      throw new SpecException(DOCUMENT, "is empty; write at least name and image");
    }
    if (!(tree instanceof Map<?, ?>)) {
      throw new SpecException(
          DOCUMENT,
          "must be a mapping of fields such as \"name: ...\", got " + SpecValidator.describe(tree));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) tree;
    return overridden(spec, overrides);
  }

  /** Builds a spec from flags alone, as {@code sentinel run --image ... -- cmd} does. */
  public JobSpec fromOverrides(SpecOverrides overrides) {
    return overridden(new LinkedHashMap<>(), overrides);
  }

  private JobSpec overridden(Map<String, Object> spec, SpecOverrides overrides) {
    if (overrides != null) {
      overrides.applyTo(spec);
    }
    return SpecValidator.validate(spec, config);
  }

  /** Reads at most one byte over the limit, so a huge file (or endless pipe) costs nothing. */
  private static String readText(Path file) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_SIZE + 1);
    } catch (NoSuchFileException e) {
      throw new SpecException(DOCUMENT, "file not found: " + file);
    } catch (AccessDeniedException e) {
      throw new SpecException(DOCUMENT, "cannot read " + file + ": permission denied");
    } catch (IOException e) {
      throw new SpecException(DOCUMENT, "cannot read " + file + ": " + e.getMessage());
    }
    if (bytes.length > MAX_SIZE) {
      throw new SpecException(DOCUMENT, SafeYaml.tooLarge());
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new SpecException(DOCUMENT, "is not UTF-8 text; save it as UTF-8");
    }
  }
}
