package dev.nuload.shm;

import dev.nuload.ExitCode;
import dev.nuload.NuloadException;

/**
 * The ring's consumer died, stopped beating, or never attached within the attach timeout. A
 * producer that sees this stops serving; nothing it published is corrupted.
 */
public class ConsumerGoneException extends NuloadException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message names the ring, the consumer pid and how long it has been silent.
   */
  public ConsumerGoneException(String message) {
    super(ExitCode.FAILURE, message);
  }
}
