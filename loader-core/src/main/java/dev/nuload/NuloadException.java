package dev.nuload;

/**
 * Base of the exceptions nuload raises for conditions a user can act on. Each carries the process
 * exit code the CLI maps it to (see {@link ExitCode}).
 */
public class NuloadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  /**
   * Creates an exception with an exit code.
   *
   * @param exitCode one of the {@link ExitCode} constants.
   * @param message what went wrong, naming the file, entry, table, field or token.
   */
  public NuloadException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /**
   * Creates an exception with an exit code and a cause.
   *
   * @param exitCode one of the {@link ExitCode} constants.
   * @param message what went wrong.
   * @param cause the underlying error.
   */
  public NuloadException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /**
   * Returns the process exit code for this condition.
   *
   * @return one of the {@link ExitCode} constants.
   */
  public int exitCode() {
    return exitCode;
  }
}
