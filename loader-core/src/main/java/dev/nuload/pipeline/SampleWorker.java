package dev.nuload.pipeline;

/**
 * Fills samples on one thread. A worker may keep decoders and scratch buffers between calls; it is
 * closed when the engine stops.
 */
public interface SampleWorker extends AutoCloseable {
  /**
   * Writes one sample into its batch row. The result must depend only on the sample index and the
   * epoch (never on which worker or thread runs it), so the worker count never changes a batch.
   *
   * @param sampleIndex the dataset index.
   * @param epoch the epoch (for per-epoch augmentation).
   * @param dst the row's tensors and metadata.
   * @throws Exception when the sample cannot be produced; the bad-sample policy decides what
   *     follows.
   */
  void fill(int sampleIndex, int epoch, SampleSlot dst) throws Exception;

  /** Releases the worker's resources; the default does nothing. */
  @Override
  default void close() {}
}
