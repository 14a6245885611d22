package dev.nuload.nuscenes.serve;

import dev.nuload.BadDataException;
import dev.nuload.nuscenes.info.InfoArrowReader;
import dev.nuload.nuscenes.info.InfoRecord;
import dev.nuload.nuscenes.petr.PetrConfig;
import dev.nuload.pipeline.EngineOptions;
import dev.nuload.pipeline.InProcessLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.RootAllocator;

/**
 * PETR batches for a JVM trainer, in process: from an info file and a dataset root to an iterator
 * of batches, on the same engine as {@code nuload serve} (same tensors, same bytes) but without
 * shared memory.
 *
 * <pre>{@code
 * try (InProcessLoader batches = PetrBatches.builder()
 *         .infos(Path.of("/dev/shm/nuload/mini/nuscenes_infos_mini_train.arrow"))
 *         .dataroot(Path.of("/data/nuscenes"))
 *         .config(PetrConfig.petrv2_800x320())   // or PetrConfig.fromJson(Path.of("petr.json"))
 *         .train(true)
 *         .engine(EngineOptions.builder().batchSize(2).workers(4).epochs(24).shuffle(true).build())
 *         .open()) {
 *   while (batches.hasNext()) {
 *     RingBatch b = batches.next();           // valid until the next hasNext()/next()
 *     MemorySegment img = b.tensor("img");    // [B, V, 3, 320, 800] float32, normalised
 *                                             // (any config: [B, V, 3, padded H, padded W])
 *   }
 * }
 * }</pre>
 */
public final class PetrBatches {
  private Path infos;
  private Path dataroot;
  private PetrConfig config = PetrConfig.petrv2_800x320();
  private boolean train = true;
  private EngineOptions engine;
  private int limit = Integer.MAX_VALUE;

  private PetrBatches() {}

  /**
   * Starts a builder.
   *
   * @return a builder with the PETRv2 800x320 preset and training augmentation.
   */
  public static PetrBatches builder() {
    return new PetrBatches();
  }

  /**
   * Sets the info file ({@code nuload infos} output).
   *
   * @param v the Arrow file.
   * @return this builder.
   */
  public PetrBatches infos(Path v) {
    infos = v;
    return this;
  }

  /**
   * Sets the dataset root the info paths are relative to.
   *
   * @param v the root.
   * @return this builder.
   */
  public PetrBatches dataroot(Path v) {
    dataroot = v;
    return this;
  }

  /**
   * Sets the pipeline settings (default {@link PetrConfig#petrv2_800x320()}).
   *
   * @param v the config.
   * @return this builder.
   */
  public PetrBatches config(PetrConfig v) {
    config = Objects.requireNonNull(v, "config");
    return this;
  }

  /**
   * Chooses training augmentation (default) or the deterministic test pipeline.
   *
   * @param v true for training.
   * @return this builder.
   */
  public PetrBatches train(boolean v) {
    train = v;
    return this;
  }

  /**
   * Sets batch size, workers, epochs, shuffle, seed (also the augmentation seed) and sharding.
   *
   * @param v the engine options.
   * @return this builder.
   */
  public PetrBatches engine(EngineOptions v) {
    engine = v;
    return this;
  }

  /**
   * Serves only the first {@code n} samples of the file (smoke runs, examples).
   *
   * @param n sample count, at least 1.
   * @return this builder.
   */
  public PetrBatches limit(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + n);
    }
    limit = n;
    return this;
  }

  /**
   * Reads the info records and builds the source without starting workers.
   *
   * @return the source.
   * @throws IOException if the info file cannot be read.
   */
  public PetrSampleSource source() throws IOException {
    Objects.requireNonNull(infos, "infos");
    Objects.requireNonNull(dataroot, "dataroot");
    if (!Files.isRegularFile(infos)) {
      throw new BadDataException(infos + ": info file not found");
    }
    // record by record, each cut to what serving reads, so the full records never pile up
    List<InfoRecord> records = new ArrayList<>();
    try (RootAllocator alloc = new RootAllocator();
        InfoArrowReader reader = InfoArrowReader.open(infos, alloc)) {
      long n = Math.min(reader.rowCount(), limit);
      ServingRecords slim = new ServingRecords();
      for (long row = 0; row < n; row++) {
        records.add(slim.slim(reader.read(row), config.frames()));
      }
    }
    if (records.isEmpty()) {
      throw new BadDataException(infos + ": no samples");
    }
    long seed = engine == null ? 0 : engine.seed();
    return new PetrSampleSource(records, config, dataroot, seed, train);
  }

  /**
   * Reads the info file and starts the workers.
   *
   * @return the batch iterator; close it to stop the workers.
   * @throws IOException if the info file cannot be read.
   */
  public InProcessLoader open() throws IOException {
    EngineOptions o = engine != null ? engine : EngineOptions.builder().build();
    return InProcessLoader.start(source(), o);
  }
}
