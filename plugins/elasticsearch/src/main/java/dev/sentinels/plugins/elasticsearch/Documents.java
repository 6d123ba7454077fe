package dev.sentinels.plugins.elasticsearch;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reading and writing dotted field paths of documents, which shippers write either nested ({@code
 * {"log": {"offset": 1}}}) or flat ({@code {"log.offset": 1}}).
 */
final class Documents {

  private Documents() {}

  /** The value at {@code path} as text, or null. */
  static String string(Map<?, ?> source, String path) {
    Object value = value(source, path);
    return value == null ? null : String.valueOf(value);
  }

  private static Object value(Map<?, ?> source, String path) {
    if (source == null) {
      return null;
    }
    if (source.containsKey(path)) {
      return source.get(path);
    }
    int dot = path.indexOf('.');
    while (dot > 0) {
      Object inner = source.get(path.substring(0, dot));
      if (inner instanceof Map<?, ?> map) {
        Object found = value(map, path.substring(dot + 1));
        if (found != null) {
          return found;
        }
      }
      dot = path.indexOf('.', dot + 1);
    }
    return null;
  }

  /** Sets {@code path} in nested maps, creating them. */
  @SuppressWarnings("unchecked")
  static void put(Map<String, Object> document, String path, Object value) {
    int dot = path.indexOf('.');
    if (dot < 0) {
      document.put(path, value);
      return;
    }
    Object inner =
        document.computeIfAbsent(path.substring(0, dot), k -> new LinkedHashMap<String, Object>());
    if (inner instanceof Map<?, ?>) {
      put((Map<String, Object>) inner, path.substring(dot + 1), value);
    } else {
      document.put(path, value);
    }
  }

  /** An {@code @timestamp} as written (ISO text, or epoch milliseconds), or null. */
  static Instant instant(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return Instant.ofEpochMilli(Long.parseLong(text));
      } catch (NumberFormatException notMillis) {
        return null;
      }
    }
  }
}
