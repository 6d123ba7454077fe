package dev.sentinels.api;

/** Where an experiment is in its life. Terminal states never change again. */
public enum JobState {
  /** Waiting in its queue for admission. */
  QUEUED("Queued"),
  /** Admitted: capacity is set aside and its Kubernetes Job (or local process) is being started. */
  ADMITTED("Admitted"),
  /** Its pod or process is running. */
  RUNNING("Running"),
  SUCCEEDED("Succeeded"),
  FAILED("Failed"),
  CANCELLED("Cancelled");

  private final String display;

  JobState(String display) {
    this.display = display;
  }

  /** The name users see and type: {@code Queued}, {@code Running}, ... */
  public String display() {
    return display;
  }

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }

  /** Admitted or running: holds capacity. */
  public boolean isActive() {
    return this == ADMITTED || this == RUNNING;
  }

  /** Parses a state by its display name or enum name, ignoring case. */
  public static JobState parse(String text) {
    for (JobState state : values()) {
      if (state.display.equalsIgnoreCase(text) || state.name().equalsIgnoreCase(text)) {
        return state;
      }
    }
    throw new IllegalArgumentException(
        "unknown state '"
            + text
            + "' (one of Queued, Admitted, Running, Succeeded, Failed, Cancelled)");
  }

  @Override
  public String toString() {
    return display;
  }
}
