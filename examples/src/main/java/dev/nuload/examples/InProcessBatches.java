package dev.nuload.examples;

import dev.nuload.pipeline.EngineOptions;
import dev.nuload.pipeline.InProcessLoader;
import dev.nuload.pipeline.PatternSampleSource;
import dev.nuload.pipeline.SampleSource;
import dev.nuload.shm.RingBatch;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Set;

/**
 * A JVM trainer's loop over nuload batches in process: the same engine as {@code nuload serve}
 * (sampler, N decode workers, batches assembled in place, strictly in order), without shared
 * memory. The source here is the deterministic pattern source; a dataset adapter plugs in its own
 * {@link SampleSource}.
 */
public final class InProcessBatches {
  private InProcessBatches() {}

  /**
   * Serves two shuffled epochs of 32 samples in batches of 8 with 2 workers and prints one line per
   * batch.
   *
   * @param args ignored.
   */
  public static void main(String[] args) {
    SampleSource source = new PatternSampleSource(32, 6, 32, 48, Set.of());
    EngineOptions options =
        EngineOptions.builder().batchSize(8).workers(2).epochs(2).shuffle(true).seed(1).build();
    try (InProcessLoader loader = InProcessLoader.start(source, options)) {
      while (loader.hasNext()) {
        RingBatch batch = loader.next(); // valid until the next hasNext()/next()
        MemorySegment img = batch.tensor("img"); // [8, 6, 3, 32, 48] uint8
        long sum = 0;
        for (long i = 0; i < img.byteSize(); i++) {
          sum += Byte.toUnsignedInt(img.get(ValueLayout.JAVA_BYTE, i));
        }
        System.out.printf(
            "epoch %d batch %d: samples %s, img bytes %d, pixel sum %d%n",
            batch.epoch(), batch.batchIndex(), batch.strings("sample_tokens"), img.byteSize(), sum);
      }
    }
  }
}
