package dev.nuload;

/** A resource is missing or exhausted (space, memory, directory); exit code 4. */
public class ResourceException extends NuloadException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message names the resource, what was needed and what was available.
   */
  public ResourceException(String message) {
    super(ExitCode.OUT_OF_RESOURCES, message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message names the resource, what was needed and what was available.
   * @param cause the underlying error.
   */
  public ResourceException(String message, Throwable cause) {
    super(ExitCode.OUT_OF_RESOURCES, message, cause);
  }
}
