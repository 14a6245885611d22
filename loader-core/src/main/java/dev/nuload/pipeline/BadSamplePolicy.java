package dev.nuload.pipeline;

/** What the engine does when a worker cannot produce a sample. */
public enum BadSamplePolicy {
  /** Stop serving; the error names the sample and epoch, and the consumer receives it. */
  FAIL,
  /** Serve the batch with the sample's row zeroed and marked skipped in the sample table. */
  SKIP
}
