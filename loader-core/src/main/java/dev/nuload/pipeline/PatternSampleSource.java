package dev.nuload.pipeline;

import dev.nuload.BadDataException;
import dev.nuload.shm.DType;
import dev.nuload.shm.MetaSpec;
import dev.nuload.shm.TensorSpec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;

/**
 * A dataset-agnostic, deterministic sample source: every value is a closed-form function of the
 * sample index and the epoch, so a test in any language can recompute a batch independently. Used
 * by the ring tests, the hidden {@code nuload serve-pattern} command and the benchmarks; the
 * formulas are listed in {@code docs/format/ring.md} ("pattern source").
 *
 * <ul>
 *   <li>{@code img} uint8 {@code [V, 3, H, W]}: {@code (7s + 13e + 5v + 3c + 11y + x) mod 256}
 *   <li>{@code lidar2img} float32 {@code [V, 4, 4]}: {@code s + e/2 + (16v + 4i + j)/128}
 *   <li>{@code stamp} int64 {@code []}: {@code 1000003 s + e}
 *   <li>{@code sample_tokens} string: {@code sample-%06d} of s
 *   <li>{@code gt_boxes} ragged float32 {@code [n, 9]}, {@code n = s mod 4}: {@code s + k/4 + j/16}
 *       for row k, column j
 *   <li>{@code gt_labels} ragged int32 {@code [n]}: {@code (s + k) mod 10}
 * </ul>
 */
public final class PatternSampleSource implements SampleSource {
  private static final ValueLayout.OfFloat F32 =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong I64 =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt I32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final int size;
  private final int views;
  private final int height;
  private final int width;
  private final Set<Integer> bad;

  /**
   * Creates the source.
   *
   * @param size sample count.
   * @param views cameras per sample (V).
   * @param height image height (H).
   * @param width image width (W).
   * @param bad sample indices whose fill fails (for the bad-sample policy).
   */
  public PatternSampleSource(int size, int views, int height, int width, Set<Integer> bad) {
    if (size < 0 || views < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException("pattern source needs size >= 0 and positive V, H, W");
    }
    this.size = size;
    this.views = views;
    this.height = height;
    this.width = width;
    this.bad = Set.copyOf(bad);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public List<TensorSpec> tensors() {
    return List.of(
        TensorSpec.of("img", DType.UINT8, views, 3, height, width),
        TensorSpec.of("lidar2img", DType.FLOAT32, views, 4, 4),
        TensorSpec.of("stamp", DType.INT64));
  }

  @Override
  public List<MetaSpec> metadata() {
    return List.of(
        MetaSpec.strings("sample_tokens"),
        MetaSpec.ragged("gt_boxes", DType.FLOAT32, 9),
        MetaSpec.ragged("gt_labels", DType.INT32));
  }

  @Override
  public int maxMetadataBytesPerSample() {
    return 32 + 3 * 9 * 4 + 3 * 4;
  }

  @Override
  public SampleWorker newWorker() {
    return new Worker();
  }

  private final class Worker implements SampleWorker {
    private final byte[] row = new byte[width];
    private final MemorySegment boxes = MemorySegment.ofArray(new float[3 * 9]);
    private final MemorySegment labels = MemorySegment.ofArray(new int[3]);

    @Override
    public void fill(int s, int e, SampleSlot dst) {
      if (bad.contains(s)) {
        throw new BadDataException("pattern sample " + s + " is marked bad");
      }
      MemorySegment img = dst.tensor(0);
      long at = 0;
      for (int v = 0; v < views; v++) {
        for (int c = 0; c < 3; c++) {
          for (int y = 0; y < height; y++) {
            int base = 7 * s + 13 * e + 5 * v + 3 * c + 11 * y;
            for (int x = 0; x < width; x++) {
              row[x] = (byte) (base + x);
            }
            MemorySegment.copy(row, 0, img, ValueLayout.JAVA_BYTE, at, width);
            at += width;
          }
        }
      }
      MemorySegment l2i = dst.tensor(1);
      for (int k = 0; k < views * 16; k++) {
        l2i.set(F32, 4L * k, (float) (s + e / 2.0 + k / 128.0));
      }
      dst.tensor(2).set(I64, 0, 1000003L * s + e);
      dst.putString(0, String.format("sample-%06d", s));
      int n = s % 4;
      for (int k = 0; k < n; k++) {
        for (int j = 0; j < 9; j++) {
          boxes.set(F32, 4L * (k * 9 + j), (float) (s + k / 4.0 + j / 16.0));
        }
        labels.set(I32, 4L * k, (s + k) % 10);
      }
      dst.putRagged(1, boxes.asSlice(0, 36L * n), n);
      dst.putRagged(2, labels.asSlice(0, 4L * n), n);
    }
  }
}
