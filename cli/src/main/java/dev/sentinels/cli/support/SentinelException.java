package dev.sentinels.cli.support;

/**
 * A failure the user can act on: printed as one line ({@code error: <message>}) with a specific
 * exit code; the stack trace only with {@code --debug}.
 */
public class SentinelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  public SentinelException(int exitCode, String message) {
    this(exitCode, message, null);
  }

  public SentinelException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  public static SentinelException notFound(String message) {
    return new SentinelException(ExitCodes.NOT_FOUND, message);
  }

  public static SentinelException invalid(String message) {
    return new SentinelException(ExitCodes.USAGE, message);
  }

  public static SentinelException unreachable(String message, Throwable cause) {
    return new SentinelException(ExitCodes.UNREACHABLE, message, cause);
  }
}
