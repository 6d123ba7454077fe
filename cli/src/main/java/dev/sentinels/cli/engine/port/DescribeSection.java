package dev.sentinels.cli.engine.port;

import java.util.List;

/** A titled block of lines in {@code describe}: Kubernetes objects and events, a local process. */
public record DescribeSection(String title, List<String> lines) {

  public DescribeSection {
    lines = List.copyOf(lines);
  }
}
