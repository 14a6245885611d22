package dev.nuload;

/** Input data is malformed or inconsistent; maps to exit code {@link ExitCode#BAD_DATA}. */
public class BadDataException extends NuloadException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message names the file, entry, table, field or token that is wrong.
   */
  public BadDataException(String message) {
    super(ExitCode.BAD_DATA, message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message names the file, entry, table, field or token that is wrong.
   * @param cause the underlying error.
   */
  public BadDataException(String message, Throwable cause) {
    super(ExitCode.BAD_DATA, message, cause);
  }
}
