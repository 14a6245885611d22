package dev.nuload.pipeline;

import dev.nuload.shm.MetaSpec;
import dev.nuload.shm.TensorSpec;
import java.util.List;

/**
 * A dataset as the engine sees it: a sample count, the tensors and metadata fields every sample has
 * (declared before anything runs, so slots are planned once), and single-thread workers that fill
 * one sample at a time.
 */
public interface SampleSource {
  /**
   * Returns the number of samples.
   *
   * @return the dataset size.
   */
  int size();

  /**
   * Returns the dense tensors of one sample, in slot order.
   *
   * @return the tensor specs.
   */
  List<TensorSpec> tensors();

  /**
   * Returns the variable-size metadata fields of one sample.
   *
   * @return the metadata specs (may be empty).
   */
  List<MetaSpec> metadata();

  /**
   * Returns an upper bound on one sample's metadata bytes (payload only), for slot planning.
   *
   * @return bytes per sample.
   */
  int maxMetadataBytesPerSample();

  /**
   * Creates a worker. The engine creates one per decode thread and calls it only from that thread.
   *
   * @return a new worker owning its own scratch state.
   */
  SampleWorker newWorker();
}
