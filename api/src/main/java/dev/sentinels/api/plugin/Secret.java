package dev.sentinels.api.plugin;

import java.util.Objects;

/**
 * A secret value (webhook URL, token) resolved from a Kubernetes Secret or an environment variable.
 * It prints as {@code ****}: only {@link #reveal()} gives the value, so it cannot leak through
 * string concatenation, logs or error messages by accident.
 */
public final class Secret {
  private final String value;
  private final String origin;

  public Secret(String value, String origin) {
    this.value = Objects.requireNonNull(value);
    this.origin = origin;
  }

  /** The value itself: pass it to the remote service, never to a message. */
  public String reveal() {
    return value;
  }

  /**
   * Where it came from, for messages: {@code secret sentinel-slack/url} or {@code env SLACK_URL}.
   */
  public String origin() {
    return origin;
  }

  @Override
  public String toString() {
    return "****";
  }
}
