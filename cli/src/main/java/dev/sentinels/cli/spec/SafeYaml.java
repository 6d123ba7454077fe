package dev.sentinels.cli.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * Reads one YAML document into plain values: mappings as insertion-ordered {@code Map<String,
 * Object>}, sequences as {@code List<Object>}, every scalar as the text written (so {@code 0.010}
 * stays {@code "0.010"} and {@code true} is {@code "true"}) and null. Refuses what a hand-written
 * spec never needs but a hostile one would use: aliases, deep nesting, huge or several documents.
 *
 * <p>Jackson's streaming parser is used rather than a tree mapper because only the stream tells
 * aliases apart from strings and keeps numbers as written.
 */
public final class SafeYaml {

  /** Specs are a few hundred bytes; anything near this is a mistake or an attack. */
  static final int MAX_CHARS = 256 * 1024;

  /** A spec nests three levels (data, item, field); twenty leaves room without risk. */
  static final int MAX_DEPTH = 20;

  private static final YAMLFactory FACTORY =
      YAMLFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH)
                  .maxDocumentLength(MAX_CHARS)
                  // a single name, string or number may fill the document, but no more:
                  // then only depth and length remain to fail on, each with its own message
                  .maxNameLength(MAX_CHARS)
                  .maxStringLength(MAX_CHARS)
                  .maxNumberLength(MAX_CHARS)
                  .build())
          // snakeyaml-engine's own cap on what it reads, in case Jackson's is bypassed
          .loadSettings(LoadSettings.builder().setCodePointLimit(MAX_CHARS).build())
          // duplicates are reported below, with the field's path
          .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private final JsonParser parser;
  private final String documentField;

  private SafeYaml(JsonParser parser, String documentField) {
    this.parser = parser;
    this.documentField = documentField;
  }

  /**
   * Parses {@code yaml}; null when it holds no document (empty, or only comments).
   *
   * @param documentField where problems with the document as a whole are reported: {@code spec} for
   *     a file, {@code --set PATH} for an override's value
   * @param rootPath the path of the document's root in the spec, to name where a problem lies:
   *     empty for a file, {@code PATH} for an override's value
   */
  public static Object parse(String yaml, String documentField, String rootPath) {
    try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), yaml)) {
      SafeYaml reader = new SafeYaml(parser, documentField);
      if (reader.next(rootPath) == null) {
        return null;
      }
      Object root = reader.value(rootPath);
      if (reader.next(rootPath) != null) {
        throw new SpecException(
            documentField,
            "holds more than one YAML document (separated by ---); keep one document");
      }
      return root;
    } catch (JacksonException e) {
      throw new SpecException(documentField, "invalid YAML " + describe(e));
    }
  }

  private JsonToken next(String path) {
    try {
      return parser.nextToken();
    } catch (StreamConstraintsException e) {
      if (parser.streamReadContext().getNestingDepth() >= MAX_DEPTH) {
        throw new SpecException(
            topLevel(path),
            "nests lists and mappings more than " + MAX_DEPTH + " levels deep; flatten it");
      }
      throw new SpecException(documentField, tooLarge());
    }
  }

  static String tooLarge() {
    return "is larger than "
        + MAX_CHARS / 1024
        + " KiB; keep specs small and put data on a data mount";
  }

  /** The value at the current token, which is its first. */
  private Object value(String path) {
    if (((YAMLParser) parser).isCurrentAlias() || parser.getObjectId() != null) {
      throw new SpecException(
          path.isEmpty() ? documentField : path,
          "YAML anchors and aliases (&name, *name) are not allowed; write the value out in full");
    }
    JsonToken token = parser.currentToken();
    return switch (token) {
      case START_OBJECT -> mapping(path);
      case START_ARRAY -> sequence(path);
      case VALUE_NULL -> null;
      case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE ->
          parser.getString();
      default ->
          throw new SpecException(
              path.isEmpty() ? documentField : path,
              "unsupported YAML value (tag " + parser.getTypeId() + "); write plain text");
    };
  }

  private Map<String, Object> mapping(String path) {
    Map<String, Object> map = new LinkedHashMap<>();
    while (next(path) == JsonToken.PROPERTY_NAME) {
      String key = parser.currentName();
      String child = path.isEmpty() ? key : path + "." + key;
      if (map.containsKey(key)) {
        throw new SpecException(child, "is given twice; keep one");
      }
      next(child);
      map.put(key, value(child));
    }
    return map;
  }

  private List<Object> sequence(String path) {
    List<Object> list = new ArrayList<>();
    while (next(path) != JsonToken.END_ARRAY) {
      list.add(value(path + "[" + list.size() + "]"));
    }
    return list;
  }

  /** {@code params.a[0].b} -> {@code params}: a deep path says nothing more useful. */
  private String topLevel(String path) {
    int end = path.length();
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '.' || path.charAt(i) == '[') {
        end = i;
        break;
      }
    }
    return end == 0 ? documentField : path.substring(0, end);
  }

  /** {@code at line 2, column 1: found ... (while scanning ...)}, on one line. */
  private static String describe(JacksonException e) {
    if (e.getCause() instanceof MarkedYamlEngineException yaml
        && yaml.getProblemMark().isPresent()) {
      var mark = yaml.getProblemMark().get();
      String context = yaml.getContext() == null ? "" : " (" + oneLine(yaml.getContext()) + ")";
      return "at line "
          + (mark.getLine() + 1)
          + ", column "
          + (mark.getColumn() + 1)
          + ": "
          + oneLine(yaml.getProblem())
          + context;
    }
    TokenStreamLocation at = e.getLocation();
    String where =
        at == null ? "" : "at line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
    return where + oneLine(e.getOriginalMessage());
  }

  private static String oneLine(String text) {
    String first = text == null ? "" : text.strip().lines().findFirst().orElse("");
    return first.replace("\t", "\\t");
  }
}
