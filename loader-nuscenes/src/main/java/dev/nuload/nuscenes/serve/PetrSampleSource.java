package dev.nuload.nuscenes.serve;

import dev.nuload.image.TensorDType;
import dev.nuload.nuscenes.info.InfoRecord;
import dev.nuload.nuscenes.petr.PetrConfig;
import dev.nuload.nuscenes.petr.PetrGeometry;
import dev.nuload.nuscenes.petr.PetrSampleProcessor;
import dev.nuload.nuscenes.petr.SampleResult;
import dev.nuload.pipeline.SampleSlot;
import dev.nuload.pipeline.SampleSource;
import dev.nuload.pipeline.SampleWorker;
import dev.nuload.shm.DType;
import dev.nuload.shm.MetaSpec;
import dev.nuload.shm.TensorSpec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * PETR / PETRv2 samples for the serving engine: sample {@code i} is info record {@code i} run
 * through {@link PetrSampleProcessor} with augmentation drawn from {@code (seed, epoch, i)}, so a
 * batch's bytes depend neither on the worker count nor on timing.
 *
 * <p>Per sample, in slot order (the names the trainer clients see):
 *
 * <table>
 *   <caption>tensors</caption>
 *   <tr><th>name</th><th>dtype</th><th>shape</th><th>content</th></tr>
 *   <tr><td>{@code img}</td><td>config dtype</td><td>{@code [V, 3, Hp, Wp]}</td>
 *       <td>normalised (or uint8) and padded views; V = cameras x frames</td></tr>
 *   <tr><td>{@code lidar2img}</td><td>float64</td><td>{@code [V, 4, 4]}</td>
 *       <td>after the image augmentation and, in training, the global rotation/scale</td></tr>
 *   <tr><td>{@code intrinsics}</td><td>float64</td><td>{@code [V, 4, 4]}</td>
 *       <td>K with the image augmentation applied</td></tr>
 *   <tr><td>{@code timestamps}</td><td>float64</td><td>{@code [V]}</td>
 *       <td>seconds from each image to the key lidar sweep</td></tr>
 *   <tr><td>{@code img_shape}</td><td>int32</td><td>{@code [2]}</td>
 *       <td>height and width before padding</td></tr>
 *   <tr><td>{@code extrinsics}</td><td>float64</td><td>{@code [V, 4, 4]}</td>
 *       <td>PETR's transposed lidar-to-camera ({@code lidar2img = intrinsics * extrinsics^T})</td></tr>
 * </table>
 *
 * <p>Metadata: {@code sample_tokens} (string), {@code gt_boxes} (ragged float32 rows of 9: x, y, z
 * bottom, w, l, h, yaw, vx, vy in the augmented lidar frame) and {@code gt_labels} (ragged int32
 * class indices of {@link PetrConfig#classes()}).
 *
 * <p>The records are held in memory (read once from the info file); workers share them read-only
 * and each owns its {@link PetrSampleProcessor}.
 */
public final class PetrSampleSource implements SampleSource {
  /** Index of {@code img} in {@link #tensors()}. */
  public static final int IMG = 0;

  /** Index of {@code lidar2img} in {@link #tensors()}. */
  public static final int LIDAR2IMG = 1;

  /** Index of {@code intrinsics} in {@link #tensors()}. */
  public static final int INTRINSICS = 2;

  /** Index of {@code timestamps} in {@link #tensors()}. */
  public static final int TIMESTAMPS = 3;

  /** Index of {@code img_shape} in {@link #tensors()}. */
  public static final int IMG_SHAPE = 4;

  /** Index of {@code extrinsics} in {@link #tensors()}. */
  public static final int EXTRINSICS = 5;

  /** Index of {@code sample_tokens} in {@link #metadata()}. */
  public static final int SAMPLE_TOKENS = 0;

  /** Index of {@code gt_boxes} in {@link #metadata()}. */
  public static final int GT_BOXES = 1;

  /** Index of {@code gt_labels} in {@link #metadata()}. */
  public static final int GT_LABELS = 2;

  private final List<InfoRecord> infos;
  private final PetrConfig config;
  private final Path dataroot;
  private final long seed;
  private final boolean train;
  private final int maxBoxes;
  private final int maxTokenBytes;

  /**
   * Creates the source.
   *
   * @param infos the records, in dataset order (sample {@code i} is {@code infos.get(i)}).
   * @param config the pipeline settings (preset, frames, mode, dtype).
   * @param dataroot the dataset root the info paths are relative to.
   * @param seed the augmentation seed.
   * @param train training augmentation (random resize/crop/flip, global rotation/scale) or the
   *     deterministic test transform.
   */
  public PetrSampleSource(
      List<InfoRecord> infos, PetrConfig config, Path dataroot, long seed, boolean train) {
    this.infos = List.copyOf(infos);
    this.config = Objects.requireNonNull(config, "config");
    this.dataroot = Objects.requireNonNull(dataroot, "dataroot");
    this.seed = seed;
    this.train = train;
    int boxes = 0;
    int token = 0;
    for (InfoRecord r : this.infos) {
      if (r.annotations() != null) {
        boxes = Math.max(boxes, r.annotations().size());
      }
      token = Math.max(token, r.token().length());
    }
    this.maxBoxes = boxes;
    this.maxTokenBytes = token;
  }

  /**
   * Returns the pipeline settings.
   *
   * @return the config.
   */
  public PetrConfig config() {
    return config;
  }

  /**
   * Returns the ring element type of an image dtype.
   *
   * @param t the image dtype.
   * @return the same type in the ring's terms.
   */
  public static DType ringType(TensorDType t) {
    return switch (t) {
      case UINT8 -> DType.UINT8;
      case FLOAT16 -> DType.FLOAT16;
      case FLOAT32 -> DType.FLOAT32;
    };
  }

  @Override
  public int size() {
    return infos.size();
  }

  @Override
  public List<TensorSpec> tensors() {
    long v = config.views();
    return List.of(
        new TensorSpec("img", ringType(config.dtype()), config.imageShape()),
        TensorSpec.of("lidar2img", DType.FLOAT64, v, 4, 4),
        TensorSpec.of("intrinsics", DType.FLOAT64, v, 4, 4),
        TensorSpec.of("timestamps", DType.FLOAT64, v),
        TensorSpec.of("img_shape", DType.INT32, 2),
        TensorSpec.of("extrinsics", DType.FLOAT64, v, 4, 4));
  }

  @Override
  public List<MetaSpec> metadata() {
    return List.of(
        MetaSpec.strings("sample_tokens"),
        MetaSpec.ragged("gt_boxes", DType.FLOAT32, PetrGeometry.BOX_DIM),
        MetaSpec.ragged("gt_labels", DType.INT32));
  }

  @Override
  public int maxMetadataBytesPerSample() {
    // a token is ASCII hex; boxes never outnumber the record's annotations
    return maxTokenBytes + maxBoxes * (PetrGeometry.BOX_DIM * Float.BYTES + Integer.BYTES) + 64;
  }

  @Override
  public SampleWorker newWorker() {
    return new Worker(new PetrSampleProcessor(config, dataroot));
  }

  /**
   * Processes sample {@code i} into plain arrays, the same way a worker fills a slot (tests and
   * in-process checks compare against this).
   *
   * @param processor a processor with this source's config.
   * @param sampleIndex the sample.
   * @param epoch the epoch.
   * @param img destination of the image tensor.
   * @return the metas and targets.
   */
  public SampleResult process(
      PetrSampleProcessor processor, int sampleIndex, int epoch, MemorySegment img) {
    return processor.process(infos.get(sampleIndex), sampleIndex, seed, epoch, train, img);
  }

  private final class Worker implements SampleWorker {
    private final PetrSampleProcessor processor;

    Worker(PetrSampleProcessor processor) {
      this.processor = processor;
    }

    @Override
    public void fill(int sampleIndex, int epoch, SampleSlot dst) {
      SampleResult r = process(processor, sampleIndex, epoch, dst.tensor(IMG));
      putMatrices(dst.tensor(LIDAR2IMG), r.lidar2img());
      putMatrices(dst.tensor(INTRINSICS), r.intrinsics());
      putMatrices(dst.tensor(EXTRINSICS), r.extrinsics());
      MemorySegment ts = dst.tensor(TIMESTAMPS);
      for (int v = 0; v < r.timestamps().length; v++) {
        ts.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, v, r.timestamps()[v]);
      }
      MemorySegment shape = dst.tensor(IMG_SHAPE);
      shape.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, 0, r.imgHeight());
      shape.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, 1, r.imgWidth());
      dst.putString(SAMPLE_TOKENS, r.token());
      double[] boxes = r.targets().boxes();
      float[] f = new float[boxes.length];
      for (int k = 0; k < boxes.length; k++) {
        f[k] = (float) boxes[k];
      }
      int n = r.targets().size();
      dst.putRagged(GT_BOXES, MemorySegment.ofArray(f), n);
      dst.putRagged(GT_LABELS, MemorySegment.ofArray(r.targets().labels().clone()), n);
    }

    @Override
    public void close() {
      processor.close();
    }
  }

  private static void putMatrices(MemorySegment dst, double[][] m) {
    for (int v = 0; v < m.length; v++) {
      for (int k = 0; k < 16; k++) {
        dst.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, v * 16L + k, m[v][k]);
      }
    }
  }
}
