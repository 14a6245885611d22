package dev.nuload.examples;

import dev.nuload.nuscenes.petr.PetrConfig;
import dev.nuload.nuscenes.serve.PetrBatches;
import dev.nuload.pipeline.EngineOptions;
import dev.nuload.pipeline.InProcessLoader;
import dev.nuload.shm.RingBatch;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * A JVM trainer's loop over PETR batches, in process: an info file and a dataset root in, batches
 * of normalised multi-view images plus lidar2img matrices and GT boxes out, on the same engine as
 * {@code nuload serve}. A real trainer would hand {@code img} to its model; this one prints per
 * batch what it received.
 *
 * <pre>
 * java ... dev.nuload.examples.PetrTrainingLoop INFOS.arrow DATAROOT [SAMPLES]
 * </pre>
 */
public final class PetrTrainingLoop {
  private PetrTrainingLoop() {}

  /**
   * Runs one shuffled training epoch, batch size 2, 2 workers, PETRv1 (one frame), and prints one
   * line per batch.
   *
   * @param args info file, dataset root, and optionally how many samples to use.
   * @throws IOException if the info file cannot be read.
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: PetrTrainingLoop INFOS.arrow DATAROOT [SAMPLES]");
      System.exit(2);
    }
    run(
        Path.of(args[0]),
        Path.of(args[1]),
        args.length > 2 ? Integer.parseInt(args[2]) : 1 << 30,
        System.out);
  }

  /**
   * The loop itself.
   *
   * @param infos the info file.
   * @param dataroot the dataset root.
   * @param samples how many samples of the file to use.
   * @param out where the per-batch lines go.
   * @return the number of samples seen.
   * @throws IOException if the info file cannot be read.
   */
  public static int run(Path infos, Path dataroot, int samples, PrintStream out)
      throws IOException {
    EngineOptions options =
        EngineOptions.builder().batchSize(2).workers(2).epochs(1).shuffle(true).seed(7).build();
    int seen = 0;
    try (InProcessLoader batches =
        PetrBatches.builder()
            .infos(infos)
            .dataroot(dataroot)
            .config(PetrConfig.petrv1_800x320())
            .train(true)
            .engine(options)
            .limit(samples)
            .open()) {
      while (batches.hasNext()) {
        RingBatch b = batches.next(); // valid until the next hasNext()/next()
        MemorySegment img = b.tensor("img"); // [B, 6, 3, 320, 800] float32, normalised
        double sum = 0;
        long n = img.byteSize() / Float.BYTES;
        for (long i = 0; i < n; i++) {
          sum += img.getAtIndex(ValueLayout.JAVA_FLOAT, i);
        }
        int boxes = 0;
        for (MemorySegment m : b.ragged("gt_boxes")) {
          boxes += (int) (m.byteSize() / (9 * Float.BYTES));
        }
        out.printf(
            "epoch %d batch %d: samples %s, img mean %.4f, %d GT boxes%n",
            b.epoch(), b.batchIndex(), b.strings("sample_tokens"), sum / n, boxes);
        seen += b.size();
      }
    }
    return seen;
  }
}
