package dev.nuload.index;

/**
 * A token map file cannot be trusted: it is missing, has another size or checksum than recorded,
 * fails to open, or holds another entry count. An index is a cache: the caller rebuilds it.
 */
public final class IndexUnusableException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message names the file and what did not match.
   */
  public IndexUnusableException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message names the file and what did not match.
   * @param cause the error the store raised.
   */
  public IndexUnusableException(String message, Throwable cause) {
    super(message, cause);
  }
}
