package dev.nuload.shm;

/**
 * Liveness settings and informational header fields of a ring producer.
 *
 * @param heartbeatIntervalMs how often the producer beats, milliseconds.
 * @param consumerTimeoutMs how long an attached consumer may stay silent before the producer stops.
 * @param attachTimeoutMs how long the producer waits for a first consumer when the ring is full; 0
 *     waits for ever.
 * @param epochs epochs served (header field, informational).
 * @param batchesPerEpoch batches per epoch (header field, informational).
 * @param rank shard rank (header field).
 * @param worldSize shard count (header field).
 */
public record RingOptions(
    long heartbeatIntervalMs,
    long consumerTimeoutMs,
    long attachTimeoutMs,
    int epochs,
    long batchesPerEpoch,
    int rank,
    int worldSize) {

  /** Heartbeat interval default: 100 ms. */
  public static final long HEARTBEAT_INTERVAL_MS_DEFAULT = 100;

  /** Consumer timeout default: 10 s. */
  public static final long CONSUMER_TIMEOUT_MS_DEFAULT = 10_000;

  /** Validates the values. */
  public RingOptions {
    if (heartbeatIntervalMs < 1 || consumerTimeoutMs < 1 || attachTimeoutMs < 0) {
      throw new IllegalArgumentException(
          "heartbeat interval and consumer timeout must be positive, attach timeout >= 0");
    }
  }

  /**
   * Default liveness settings, no informational fields.
   *
   * @return the defaults.
   */
  public static RingOptions defaults() {
    return new RingOptions(
        HEARTBEAT_INTERVAL_MS_DEFAULT, CONSUMER_TIMEOUT_MS_DEFAULT, 0, 0, 0, 0, 1);
  }
}
