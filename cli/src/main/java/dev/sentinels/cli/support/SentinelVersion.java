package dev.sentinels.cli.support;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version Maven wrote into {@code sentinel-version.properties} at build time. */
public final class SentinelVersion {

  private static volatile String current;

  private SentinelVersion() {}

  /** This build's Sentinels version, or {@code unknown} when run from unpackaged classes. */
  public static String current() {
    if (current == null) {
      current = read();
    }
    return current;
  }

  private static String read() {
    Properties properties = new Properties();
    try (InputStream in =
        SentinelVersion.class.getResourceAsStream("/sentinel-version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return properties.getProperty("version", "unknown");
  }
}
