package dev.nuload.image;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Resize, crop, flip, normalise, convert and pad one decoded image straight into a caller's tensor
 * memory, as the PETR transforms {@code ResizeCropFlipImage}, {@code NormalizeMultiviewImage} and
 * {@code PadMultiViewImage} do one after the other, but in one pass and without a full-size
 * intermediate:
 *
 * <pre>
 *   decoded BGR (W x H) --resize to (rw, rh), Pillow convolution, horizontal pass first--&gt; uint8
 *     (only the rows and columns inside the crop box are computed)
 *   --crop box (left, top, left + w, top + h), outside the resized image = 0
 *   --mirror x if flip --&gt; normalise with a 256-entry table per channel --&gt; dtype
 *   --&gt; 3 planes of ph x pw at dst + offset (CHW), pad area (x &ge; w or y &ge; h) = 0
 * </pre>
 *
 * With {@link ResampleFilter#BICUBIC} the 8-bit values before normalisation are those of Pillow's
 * {@code Image.resize(size, BICUBIC).crop(box)} followed by {@code transpose(FLIP_LEFT_RIGHT)}: the
 * same weights, the same fixed-point rounding and the same 8-bit intermediate between the two
 * passes. A pass whose size does not change is skipped, as in Pillow.
 *
 * <p>Scratch arrays grow to the largest image seen and are reused; weights are cached for the last
 * resize of each axis. Not thread-safe: one per worker thread. Holds no native memory.
 */
public final class ResizeCropFlipWriter {
  private ResizeCoefficients horizontal;
  private ResizeCoefficients vertical;
  private byte[] line = new byte[0]; // one decoded row
  private long[] brA = new long[0]; // decoded rows split into B|R lanes and G, zero-padded
  private long[] brB = new long[0];
  private int[] gA = new int[0];
  private int[] gB = new int[0];
  private int[] tmp = new int[0]; // horizontal pass result (8-bit values): rows x cols x 3
  private int[] acc = new int[0]; // vertical accumulator for one row
  private byte[] row8 = new byte[0]; // one resized row, cols x 3
  private float[] rowF = new float[0];
  private short[] rowH = new short[0];
  private byte[] rowB = new byte[0];
  private ChannelNormalization tableFor;
  private float[][] table;
  private short[][] table16;

  /** Creates a writer with empty scratch space. */
  public ResizeCropFlipWriter() {}

  /**
   * Shape and type of the tensor one image is written to.
   *
   * @param width crop width (PETR {@code final_dim} W).
   * @param height crop height.
   * @param paddedWidth plane width, at least {@code width}.
   * @param paddedHeight plane height, at least {@code height}.
   * @param dtype element type.
   * @param normalization per-channel normalisation and channel order; ignored for {@link
   *     TensorDType#UINT8} except for the channel order.
   */
  public record Output(
      int width,
      int height,
      int paddedWidth,
      int paddedHeight,
      TensorDType dtype,
      ChannelNormalization normalization) {
    /**
     * Validates the record.
     *
     * @param width crop width.
     * @param height crop height.
     * @param paddedWidth plane width.
     * @param paddedHeight plane height.
     * @param dtype element type.
     * @param normalization normalisation.
     */
    public Output {
      if (width <= 0 || height <= 0 || paddedWidth < width || paddedHeight < height) {
        throw new IllegalArgumentException(
            "bad output " + width + "x" + height + " padded " + paddedWidth + "x" + paddedHeight);
      }
    }

    /**
     * Returns the bytes one image occupies.
     *
     * @return {@code 3 * paddedHeight * paddedWidth * dtype.bytes()}.
     */
    public long bytes() {
      return 3L * paddedHeight * paddedWidth * dtype.bytes();
    }
  }

  /**
   * Writes one image.
   *
   * @param src decoded BGR pixels (any size; the resize maps its full extent to {@code resizeWidth
   *     x resizeHeight}).
   * @param resizeWidth width after resizing.
   * @param resizeHeight height after resizing.
   * @param cropLeft left edge of the crop box in the resized image.
   * @param cropTop top edge of the crop box in the resized image.
   * @param flip whether to mirror the crop horizontally.
   * @param filter resampling kernel.
   * @param out tensor shape and type.
   * @param dst destination memory.
   * @param offset byte offset of this image's first plane in {@code dst}.
   */
  public void write(
      DecodedImage src,
      int resizeWidth,
      int resizeHeight,
      int cropLeft,
      int cropTop,
      boolean flip,
      ResampleFilter filter,
      Output out,
      MemorySegment dst,
      long offset) {
    if (offset < 0 || offset + out.bytes() > dst.byteSize()) {
      throw new IndexOutOfBoundsException(
          "image needs "
              + out.bytes()
              + " bytes at offset "
              + offset
              + ", destination holds "
              + dst.byteSize());
    }
    int fw = out.width();
    int fh = out.height();
    int c0 = Math.max(0, cropLeft);
    int c1 = Math.min(resizeWidth, cropLeft + fw);
    int r0 = Math.max(0, cropTop);
    int r1 = Math.min(resizeHeight, cropTop + fh);
    int cols = Math.max(0, c1 - c0);
    boolean needH = resizeWidth != src.width();
    boolean needV = resizeHeight != src.height();
    if (needH && (horizontal == null || !horizontal.matches(src.width(), resizeWidth, filter))) {
      horizontal = new ResizeCoefficients(src.width(), resizeWidth, filter);
    }
    if (needV && (vertical == null || !vertical.matches(src.height(), resizeHeight, filter))) {
      vertical = new ResizeCoefficients(src.height(), resizeHeight, filter);
    }
    // input rows that the kept output rows read
    int y0 = r0;
    int y1 = r1;
    if (r1 > r0 && needV) {
      y0 = vertical.first(r0);
      y1 = vertical.first(r1 - 1) + vertical.taps(r1 - 1);
    }
    int tmpStride = cols * 3;
    if (r1 > r0 && cols > 0) {
      horizontalPass(src, y0, y1, c0, cols, needH);
    }
    prepareTables(out.normalization());
    ensureRows(fw);
    int plane = out.paddedHeight() * out.paddedWidth();
    long elem = out.dtype().bytes();
    for (int y = 0; y < fh; y++) {
      int ry = cropTop + y;
      boolean inside = ry >= r0 && ry < r1 && cols > 0;
      if (inside) {
        verticalRow(ry, y0, tmpStride, needV);
      }
      for (int c = 0; c < 3; c++) {
        int sc = out.normalization().sourceChannel(c);
        long rowOff = offset + ((long) c * plane + (long) y * out.paddedWidth()) * elem;
        writeRow(out, c, sc, inside, cropLeft, c0, cols, fw, flip, dst, rowOff);
        if (out.paddedWidth() > fw) {
          dst.asSlice(rowOff + fw * elem, (out.paddedWidth() - fw) * elem).fill((byte) 0);
        }
      }
    }
    if (out.paddedHeight() > fh) {
      for (int c = 0; c < 3; c++) {
        long start = offset + ((long) c * plane + (long) fh * out.paddedWidth()) * elem;
        dst.asSlice(start, (long) (out.paddedHeight() - fh) * out.paddedWidth() * elem)
            .fill((byte) 0);
      }
    }
  }

  private void horizontalPass(DecodedImage src, int y0, int y1, int c0, int cols, boolean needH) {
    int rows = y1 - y0;
    int stride = cols * 3;
    if (tmp.length < rows * stride) {
      tmp = new int[rows * stride];
    }
    int srcStride = src.width() * 3;
    MemorySegment px = src.pixels();
    if (!needH) {
      if (line.length < stride) {
        line = new byte[stride];
      }
      for (int y = 0; y < rows; y++) {
        MemorySegment.copy(
            px, ValueLayout.JAVA_BYTE, (long) (y0 + y) * srcStride + c0 * 3L, line, 0, stride);
        int o = y * stride;
        for (int i = 0; i < stride; i++) {
          tmp[o + i] = line[i] & 0xFF;
        }
      }
      return;
    }
    ResizeCoefficients h = horizontal;
    int ksize = h.ksize();
    int taps = h.maxTaps();
    int[] w = h.weights();
    // Each decoded row is split into a long per pixel holding B in the low and R in the high 32
    // bits (two lanes, one multiply for both) and an int holding G, padded with zero pixels so
    // every output runs the same number of taps (Pillow's weights past an output's window are 0).
    // Lane arithmetic is exact: the low lane starts at 2^31 + 2^21 and its sum stays inside
    // [0, 2^32) (|sum of B * w| < 2^30.3 for normalised weights), so no borrow reaches the high
    // lane and (acc >> 32) is the high lane's exact sum.
    int padded = src.width() + taps;
    if (brA.length != padded) {
      line = new byte[srcStride];
      brA = new long[padded];
      brB = new long[padded];
      gA = new int[padded];
      gB = new int[padded];
    }
    int[] t = tmp;
    int half = 1 << (ResizeCoefficients.PRECISION_BITS - 1);
    long bias = (1L << 31) + half + ((long) half << 32);
    int y = 0;
    for (; y + 1 < rows; y += 2) { // two rows per pass share the weight loads
      split(px, (long) (y0 + y) * srcStride, src.width(), brA, gA);
      split(px, (long) (y0 + y + 1) * srcStride, src.width(), brB, gB);
      long[] ra = brA;
      long[] rb = brB;
      int[] ga = gA;
      int[] gb = gB;
      int oa = y * stride;
      int ob = oa + stride;
      for (int x = c0; x < c0 + cols; x++) {
        int p = h.first(x);
        int wb = x * ksize;
        long a02 = bias;
        long b02 = bias;
        int a1 = half;
        int b1 = half;
        for (int k = 0; k < taps; k++) {
          int wk = w[wb + k];
          a02 += ra[p + k] * wk;
          b02 += rb[p + k] * wk;
          a1 += ga[p + k] * wk;
          b1 += gb[p + k] * wk;
        }
        t[oa] = ResizeCoefficients.clip8((int) ((a02 & 0xFFFFFFFFL) - (1L << 31)));
        t[oa + 1] = ResizeCoefficients.clip8(a1);
        t[oa + 2] = ResizeCoefficients.clip8((int) (a02 >> 32));
        t[ob] = ResizeCoefficients.clip8((int) ((b02 & 0xFFFFFFFFL) - (1L << 31)));
        t[ob + 1] = ResizeCoefficients.clip8(b1);
        t[ob + 2] = ResizeCoefficients.clip8((int) (b02 >> 32));
        oa += 3;
        ob += 3;
      }
    }
    for (; y < rows; y++) {
      split(px, (long) (y0 + y) * srcStride, src.width(), brA, gA);
      long[] ra = brA;
      int[] ga = gA;
      int o = y * stride;
      for (int x = c0; x < c0 + cols; x++) {
        int p = h.first(x);
        int wb = x * ksize;
        long a02 = bias;
        int a1 = half;
        for (int k = 0; k < taps; k++) {
          int wk = w[wb + k];
          a02 += ra[p + k] * wk;
          a1 += ga[p + k] * wk;
        }
        t[o] = ResizeCoefficients.clip8((int) ((a02 & 0xFFFFFFFFL) - (1L << 31)));
        t[o + 1] = ResizeCoefficients.clip8(a1);
        t[o + 2] = ResizeCoefficients.clip8((int) (a02 >> 32));
        o += 3;
      }
    }
  }

  /**
   * Splits one decoded BGR row into {@code br[i] = B + (R << 32)} and {@code g[i] = G} for its
   * {@code n} pixels and zeroes the padding after them.
   */
  private void split(MemorySegment px, long offset, int n, long[] br, int[] g) {
    byte[] l = line;
    MemorySegment.copy(px, ValueLayout.JAVA_BYTE, offset, l, 0, n * 3);
    for (int i = 0; i < n; i++) {
      int q = i * 3;
      br[i] = (l[q] & 0xFF) | ((long) (l[q + 2] & 0xFF) << 32);
      g[i] = l[q + 1] & 0xFF;
    }
    Arrays.fill(br, n, br.length, 0L);
    Arrays.fill(g, n, g.length, 0);
  }

  /** Fills {@link #row8} with resized row {@code ry} (cols x 3 bytes). */
  private void verticalRow(int ry, int y0, int stride, boolean needV) {
    if (row8.length < stride) {
      row8 = new byte[stride];
      acc = new int[stride];
    }
    if (!needV) {
      int base = (ry - y0) * stride;
      for (int i = 0; i < stride; i++) {
        row8[i] = (byte) tmp[base + i];
      }
      return;
    }
    ResizeCoefficients v = vertical;
    int first = v.first(ry) - y0;
    int n = v.taps(ry);
    int[] a = acc;
    int[] t = tmp;
    Arrays.fill(a, 0, stride, 1 << (ResizeCoefficients.PRECISION_BITS - 1));
    for (int k = 0; k < n; k++) {
      int wk = v.weight(ry, k);
      int base = (first + k) * stride;
      for (int i = 0; i < stride; i++) {
        a[i] += t[base + i] * wk;
      }
    }
    byte[] r = row8;
    for (int i = 0; i < stride; i++) {
      r[i] = (byte) ResizeCoefficients.clip8(a[i]);
    }
  }

  private void writeRow(
      Output out,
      int c,
      int sc,
      boolean inside,
      int cropLeft,
      int c0,
      int cols,
      int fw,
      boolean flip,
      MemorySegment dst,
      long rowOff) {
    // resized column rx = cropLeft + x sits at row8[(rx - c0) * 3 + sc] when c0 <= rx < c0 + cols
    int lo = inside ? c0 - cropLeft : fw; // first crop column with data
    int hi = inside ? lo + cols : fw; // one past the last
    byte[] r = row8;
    switch (out.dtype()) {
      case FLOAT32 -> {
        float[] lut = table[c];
        float[] o = rowF;
        Arrays.fill(o, 0, fw, lut[0]);
        for (int x = lo; x < hi; x++) {
          o[flip ? fw - 1 - x : x] = lut[r[(x - lo) * 3 + sc] & 0xFF];
        }
        MemorySegment.copy(o, 0, dst, ValueLayout.JAVA_FLOAT_UNALIGNED, rowOff, fw);
      }
      case FLOAT16 -> {
        short[] lut = table16[c];
        short[] o = rowH;
        Arrays.fill(o, 0, fw, lut[0]);
        for (int x = lo; x < hi; x++) {
          o[flip ? fw - 1 - x : x] = lut[r[(x - lo) * 3 + sc] & 0xFF];
        }
        MemorySegment.copy(o, 0, dst, ValueLayout.JAVA_SHORT_UNALIGNED, rowOff, fw);
      }
      case UINT8 -> {
        byte[] o = rowB;
        Arrays.fill(o, 0, fw, (byte) 0);
        for (int x = lo; x < hi; x++) {
          o[flip ? fw - 1 - x : x] = r[(x - lo) * 3 + sc];
        }
        MemorySegment.copy(o, 0, dst, ValueLayout.JAVA_BYTE, rowOff, fw);
      }
    }
  }

  private void ensureRows(int fw) {
    if (rowF.length < fw) {
      rowF = new float[fw];
      rowH = new short[fw];
      rowB = new byte[fw];
    }
  }

  private void prepareTables(ChannelNormalization n) {
    if (n == tableFor) {
      return;
    }
    table = n.table();
    table16 = new short[3][256];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        table16[c][v] = Float.floatToFloat16(table[c][v]);
      }
    }
    tableFor = n;
  }
}
