package dev.nuload.shm;

import dev.nuload.ExitCode;
import dev.nuload.NuloadException;

/**
 * The ring's producer died, stopped beating, or recorded an error. The message names the ring, the
 * producer's pid and the producer's last error when it wrote one.
 */
public class ProducerGoneException extends NuloadException {
  private static final long serialVersionUID = 1L;

  private final String producerError;

  /**
   * Creates the exception.
   *
   * @param message what was seen.
   * @param producerError the producer's error record, or null when it left none.
   */
  public ProducerGoneException(String message, String producerError) {
    super(ExitCode.FAILURE, message);
    this.producerError = producerError;
  }

  /**
   * Returns the producer's error record.
   *
   * @return the message the producer wrote, or null.
   */
  public String producerError() {
    return producerError;
  }
}
