package dev.sentinels.cli.command;

import picocli.CommandLine;

/** The version for {@code --version}. */
public final class VersionProvider implements CommandLine.IVersionProvider {

  /** The Sentinels version, or {@code unknown} when run from unpackaged classes. */
  public static String version() {
    return dev.sentinels.cli.support.SentinelVersion.current();
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "sentinel " + version(),
      "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
    };
  }
}
