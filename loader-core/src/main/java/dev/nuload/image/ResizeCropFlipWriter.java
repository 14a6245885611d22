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
 * <p>How it stays cheap: output rows are produced top to bottom from a small ring of horizontally
 * resized input rows (the vertical window plus a block of look-ahead), so nothing image-sized is
 * held between the passes; the horizontal pass works on blocks of 32 input rows transposed so that
 * each tap is one multiply-add over contiguous samples of all 32 rows, and every hot loop reads and
 * writes its arrays at the same index, the form the JIT turns into SIMD code. When no axis is
 * resampled (DCT scaling already gave the resize size, as in PETR's test mode at 1/2) the crop's
 * bytes are copied straight from the decoded rows. Each output row is de-interleaved (HWC to CHW),
 * mirrored, normalised and converted in one pass and copied to the destination with one bulk copy
 * per plane row.
 *
 * <p>Scratch arrays grow to the largest image seen and are reused (no allocation per image once
 * sizes repeat); weights are cached for the last resize of each axis. Not thread-safe: one per
 * worker thread. Holds no native memory.
 */
public final class ResizeCropFlipWriter {
  private ResizeCoefficients horizontal;
  private ResizeCoefficients vertical;

  /** Input rows the horizontal pass resamples together (one vector lane each). */
  private static final int BLOCK = 32;

  private byte[] line = new byte[0]; // one decoded row (the part the crop reads)
  // BLOCK decoded rows, transposed so that one column of all rows is one array:
  // block[x][channel * BLOCK + row], zero columns on the right. Every hot loop below reads and
  // writes its arrays at the same index (no offsets), the form the JIT vectorises.
  private int[][] block = new int[0][];
  private final int[] hacc = new int[3 * BLOCK]; // horizontal accumulators, same lane order
  private final int[][] blockRows = new int[BLOCK][]; // ring row of each row of the block
  private int[][] ring = new int[0][]; // horizontally resized rows (8-bit values), cols x 3 each
  private int ringRows;
  private int nextRow; // next input row the horizontal pass produces
  private int splitFrom; // first decoded column the horizontal pass reads
  private int splitCount; // decoded columns it reads
  private int rowEnd; // one past the last input row the crop reads
  private int cropStart; // first resized column of the crop
  private boolean resizeRows; // whether the horizontal pass resamples (else it copies)
  private int[] acc = new int[0]; // vertical accumulator for one row
  private int[] row8 = new int[0]; // one resized row of the crop, cols x 3 (B, G, R), 0 to 255
  private final byte[][] lines = new byte[BLOCK][0]; // the decoded rows of one block
  private final OutputRows rows = new OutputRows(); // one output row per channel, padded width
  private final float[][] rowF = rows.floats;
  private final short[][] rowH = rows.halves;
  private final byte[][] rowB = rows.bytes;
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

    /**
     * Checks that one image fits in a destination at an offset.
     *
     * @param dst the destination.
     * @param offset byte offset of the image's first plane.
     * @throws IndexOutOfBoundsException when it does not fit.
     */
    public void requireFits(MemorySegment dst, long offset) {
      if (offset < 0 || offset + bytes() > dst.byteSize()) {
        throw new IndexOutOfBoundsException(
            "image needs "
                + bytes()
                + " bytes at offset "
                + offset
                + ", destination holds "
                + dst.byteSize());
      }
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
    out.requireFits(dst, offset);
    int fw = out.width();
    int fh = out.height();
    int pw = out.paddedWidth();
    int c0 = Math.max(0, cropLeft);
    int c1 = Math.min(resizeWidth, cropLeft + fw);
    int r0 = Math.max(0, cropTop);
    int r1 = Math.min(resizeHeight, cropTop + fh);
    int cols = Math.max(0, c1 - c0);
    boolean any = r1 > r0 && cols > 0;
    boolean needH = resizeWidth != src.width();
    boolean needV = resizeHeight != src.height();
    if (needH && (horizontal == null || !horizontal.matches(src.width(), resizeWidth, filter))) {
      horizontal = new ResizeCoefficients(src.width(), resizeWidth, filter);
    }
    if (needV && (vertical == null || !vertical.matches(src.height(), resizeHeight, filter))) {
      vertical = new ResizeCoefficients(src.height(), resizeHeight, filter);
    }
    prepareTables(out.normalization());
    rows.prepare(fw, pw);
    int stride = cols * 3;
    if (line.length < stride) {
      line = new byte[stride];
    }
    if (row8.length < stride) {
      row8 = new int[stride];
      acc = new int[stride];
    }
    if (any && (needH || needV)) {
      begin(src, c0, cols, r0, r1, needH, needV);
    }
    // resized column rx = cropLeft + x sits at row8[(rx - c0) * 3 + channel] for c0 <= rx < c1
    int lo = any ? c0 - cropLeft : fw; // first crop column with data
    int hi = any ? lo + cols : fw; // one past the last
    long elem = out.dtype().bytes();
    long planeBytes = (long) out.paddedHeight() * pw * elem;
    for (int y = 0; y < fh; y++) {
      int ry = cropTop + y;
      boolean inside = any && ry >= r0 && ry < r1;
      if (inside) {
        if (needH || needV) {
          resizedRow(src, ry, stride, needV);
        } else {
          byte[] l = line;
          MemorySegment.copy(
              src.pixels(),
              ValueLayout.JAVA_BYTE,
              ((long) ry * src.width() + c0) * 3,
              l,
              0,
              stride);
          if (out.dtype() != TensorDType.UINT8) {
            int[] r = row8;
            for (int i = 0; i < stride; i++) {
              r[i] = l[i] & 0xFF;
            }
          }
        }
      }
      long rowOff = offset + (long) y * pw * elem;
      if (!needH && !needV && out.dtype() == TensorDType.UINT8) {
        emitBytes(out, inside ? lo : fw, inside ? hi : fw, fw, pw, flip, dst, rowOff, planeBytes);
      } else {
        emitRow(out, inside ? lo : fw, inside ? hi : fw, fw, pw, flip, dst, rowOff, planeBytes);
      }
    }
    if (out.paddedHeight() > fh) {
      for (int c = 0; c < 3; c++) {
        long start = offset + c * planeBytes + (long) fh * pw * elem;
        dst.asSlice(start, (long) (out.paddedHeight() - fh) * pw * elem).fill((byte) 0);
      }
    }
  }

  /**
   * Prepares the streaming resize of the crop: a ring of horizontally resized input rows, big
   * enough for the widest vertical window plus one row of look-ahead (so two rows can share a
   * horizontal pass). Output rows are produced top to bottom; the window of each starts at or after
   * the previous one's, so a row leaves the ring only once no later output row reads it.
   */
  private void begin(
      DecodedImage src, int c0, int cols, int r0, int r1, boolean needH, boolean needV) {
    int stride = cols * 3;
    ringRows = (needV ? vertical.maxTaps() : 1) + (needH ? BLOCK : 1);
    if (ring.length < ringRows || ring[0].length < stride) {
      ring = new int[ringRows][stride];
    }
    nextRow = needV ? vertical.first(r0) : r0;
    rowEnd = needV ? vertical.first(r1 - 1) + vertical.taps(r1 - 1) : r1;
    cropStart = c0;
    resizeRows = needH;
    if (needH) {
      ResizeCoefficients h = horizontal;
      int taps = h.maxTaps();
      splitFrom = h.first(c0);
      int end = 0;
      for (int x = c0; x < c0 + cols; x++) {
        end = Math.max(end, h.first(x) + taps);
      }
      // outputs read up to maxTaps samples from their first; those past the image are 0 * 0
      splitCount = Math.min(end, src.width()) - splitFrom;
      int padded = end - splitFrom;
      if (block.length < padded) {
        block = new int[padded][3 * BLOCK];
      }
      for (int x = splitCount; x < padded; x++) {
        Arrays.fill(block[x], 0);
      }
      if (line.length < splitCount * 3) {
        line = new byte[splitCount * 3];
      }
    } else {
      splitFrom = c0;
      splitCount = cols;
      if (line.length < stride) {
        line = new byte[stride];
      }
    }
  }

  /** Fills {@link #row8} with resized row {@code ry} of the crop's columns. */
  private void resizedRow(DecodedImage src, int ry, int stride, boolean needV) {
    int first = needV ? vertical.first(ry) : ry;
    int taps = needV ? vertical.taps(ry) : 1;
    int last = first + taps; // one past the last input row read
    while (nextRow < last) {
      // Rows are produced ahead, up to BLOCK (resampled) or 2 (copied) at a time, as long as a
      // later output row reads them. Their ring slots are free: this row's window [first, last)
      // has at most ringRows - BLOCK (or - 1) rows, and nextRow < last.
      int n = Math.min(resizeRows ? BLOCK : 2, rowEnd - nextRow);
      if (resizeRows) {
        horizontalBlock(src, nextRow, n, stride);
      } else {
        copyRows(src, nextRow, n, stride);
      }
      nextRow += n;
    }
    int[] r = row8;
    if (!needV) {
      System.arraycopy(ring[ry % ringRows], 0, r, 0, stride);
      return;
    }
    ResizeCoefficients v = vertical;
    int[] a = acc;
    int half = 1 << (ResizeCoefficients.PRECISION_BITS - 1);
    int[] t0 = ring[first % ringRows];
    int w0 = v.weight(ry, 0);
    for (int i = 0; i < stride; i++) {
      a[i] = half + t0[i] * w0;
    }
    for (int k = 1; k < taps; k++) {
      int[] tk = ring[(first + k) % ringRows];
      int wk = v.weight(ry, k);
      for (int i = 0; i < stride; i++) {
        a[i] += tk[i] * wk;
      }
    }
    for (int i = 0; i < stride; i++) {
      r[i] = ResizeCoefficients.clip8(a[i]);
    }
  }

  /** Copies the crop's columns of {@code n} input rows from {@code y} into their ring slots. */
  private void copyRows(DecodedImage src, int y, int n, int stride) {
    long srcStride = src.width() * 3L;
    byte[] l = line;
    for (int j = 0; j < n; j++) {
      MemorySegment.copy(
          src.pixels(), ValueLayout.JAVA_BYTE, (y + j) * srcStride + splitFrom * 3L, l, 0, stride);
      int[] t = ring[(y + j) % ringRows];
      for (int i = 0; i < stride; i++) {
        t[i] = l[i] & 0xFF;
      }
    }
  }

  /**
   * Resamples {@code n <= BLOCK} input rows from {@code y} horizontally into their ring slots. The
   * rows are transposed into {@link #block} first, so each tap is one multiply-add over the 3 x
   * BLOCK contiguous samples of a source column (a loop the JIT vectorises), instead of a gather
   * per output sample. Same integer arithmetic as Pillow per lane: {@code 2^21 + sum in * w},
   * clipped and shifted.
   */
  private void horizontalBlock(DecodedImage src, int y, int n, int stride) {
    MemorySegment px = src.pixels();
    long srcStride = src.width() * 3L;
    int[][] b = block;
    int cnt = splitCount;
    for (int r = 0; r < n; r++) {
      if (lines[r].length < cnt * 3) {
        lines[r] = new byte[cnt * 3];
      }
      MemorySegment.copy(
          px, ValueLayout.JAVA_BYTE, (y + r) * srcStride + splitFrom * 3L, lines[r], 0, cnt * 3);
      blockRows[r] = ring[(y + r) % ringRows];
    }
    // transpose column by column: each column's array is written front to back
    for (int i = 0, q = 0; i < cnt; i++, q += 3) {
      int[] col = b[i];
      for (int r = 0; r < n; r++) {
        byte[] l = lines[r];
        col[r] = l[q] & 0xFF;
        col[BLOCK + r] = l[q + 1] & 0xFF;
        col[2 * BLOCK + r] = l[q + 2] & 0xFF;
      }
    }
    ResizeCoefficients h = horizontal;
    int ksize = h.ksize();
    int taps = h.maxTaps();
    int[] w = h.weights();
    int[] a = hacc;
    int lanes = 3 * BLOCK;
    int half = 1 << (ResizeCoefficients.PRECISION_BITS - 1);
    int c0 = cropStart;
    int cols = stride / 3;
    for (int x = c0; x < c0 + cols; x++) {
      int p = h.first(x) - splitFrom;
      int wb = x * ksize;
      int w0 = w[wb];
      int[] col = b[p];
      for (int j = 0; j < lanes; j++) {
        a[j] = half + col[j] * w0;
      }
      for (int k = 1; k < taps; k++) {
        int wk = w[wb + k];
        int[] ck = b[p + k];
        for (int j = 0; j < lanes; j++) {
          a[j] += ck[j] * wk;
        }
      }
      for (int j = 0; j < lanes; j++) {
        a[j] = ResizeCoefficients.clip8(a[j]);
      }
      int o = (x - c0) * 3;
      for (int r = 0; r < n; r++) {
        int[] t = blockRows[r];
        t[o] = a[r];
        t[o + 1] = a[BLOCK + r];
        t[o + 2] = a[2 * BLOCK + r];
      }
    }
  }

  /**
   * Writes one output row of each plane from {@link #row8}: de-interleaves, mirrors, normalises and
   * converts in one pass over the crop's columns {@code [lo, hi)} (before flipping), fills the
   * columns without data with normalised black, and copies each padded row with one bulk copy.
   */
  private void emitRow(
      Output out,
      int lo,
      int hi,
      int fw,
      int pw,
      boolean flip,
      MemorySegment dst,
      long rowOff,
      long planeBytes) {
    int[] r = row8;
    ChannelNormalization n = out.normalization();
    int s0 = n.sourceChannel(0);
    int s1 = n.sourceChannel(1);
    int s2 = n.sourceChannel(2);
    // destination columns holding data: [dlo, dhi)
    int dlo = flip ? fw - hi : lo;
    int dhi = flip ? fw - lo : hi;
    switch (out.dtype()) {
      case UINT8 -> {
        byte[] o0 = rowB[0];
        byte[] o1 = rowB[1];
        byte[] o2 = rowB[2];
        for (byte[] o : rowB) {
          Arrays.fill(o, 0, dlo, (byte) 0);
          Arrays.fill(o, dhi, fw, (byte) 0);
        }
        if (flip) {
          for (int x = lo, q = 0, d = fw - 1 - lo; x < hi; x++, q += 3, d--) {
            o0[d] = (byte) r[q + s0];
            o1[d] = (byte) r[q + s1];
            o2[d] = (byte) r[q + s2];
          }
        } else {
          for (int x = lo, q = 0; x < hi; x++, q += 3) {
            o0[x] = (byte) r[q + s0];
            o1[x] = (byte) r[q + s1];
            o2[x] = (byte) r[q + s2];
          }
        }
        for (int c = 0; c < 3; c++) {
          MemorySegment.copy(rowB[c], 0, dst, ValueLayout.JAVA_BYTE, rowOff + c * planeBytes, pw);
        }
      }
      case FLOAT32 -> {
        float[] o0 = rowF[0];
        float[] o1 = rowF[1];
        float[] o2 = rowF[2];
        float[] l0 = table[0];
        float[] l1 = table[1];
        float[] l2 = table[2];
        for (int c = 0; c < 3; c++) {
          Arrays.fill(rowF[c], 0, dlo, table[c][0]);
          Arrays.fill(rowF[c], dhi, fw, table[c][0]);
        }
        if (flip) {
          for (int x = lo, q = 0, d = fw - 1 - lo; x < hi; x++, q += 3, d--) {
            o0[d] = l0[r[q + s0]];
            o1[d] = l1[r[q + s1]];
            o2[d] = l2[r[q + s2]];
          }
        } else {
          for (int x = lo, q = 0; x < hi; x++, q += 3) {
            o0[x] = l0[r[q + s0]];
            o1[x] = l1[r[q + s1]];
            o2[x] = l2[r[q + s2]];
          }
        }
        for (int c = 0; c < 3; c++) {
          MemorySegment.copy(
              rowF[c], 0, dst, ValueLayout.JAVA_FLOAT_UNALIGNED, rowOff + c * planeBytes, pw);
        }
      }
      case FLOAT16 -> {
        short[] o0 = rowH[0];
        short[] o1 = rowH[1];
        short[] o2 = rowH[2];
        short[] l0 = table16[0];
        short[] l1 = table16[1];
        short[] l2 = table16[2];
        for (int c = 0; c < 3; c++) {
          Arrays.fill(rowH[c], 0, dlo, table16[c][0]);
          Arrays.fill(rowH[c], dhi, fw, table16[c][0]);
        }
        if (flip) {
          for (int x = lo, q = 0, d = fw - 1 - lo; x < hi; x++, q += 3, d--) {
            o0[d] = l0[r[q + s0]];
            o1[d] = l1[r[q + s1]];
            o2[d] = l2[r[q + s2]];
          }
        } else {
          for (int x = lo, q = 0; x < hi; x++, q += 3) {
            o0[x] = l0[r[q + s0]];
            o1[x] = l1[r[q + s1]];
            o2[x] = l2[r[q + s2]];
          }
        }
        for (int c = 0; c < 3; c++) {
          MemorySegment.copy(
              rowH[c], 0, dst, ValueLayout.JAVA_SHORT_UNALIGNED, rowOff + c * planeBytes, pw);
        }
      }
    }
  }

  /** {@link #emitRow} for uint8 output straight from the decoded bytes in {@link #line}. */
  private void emitBytes(
      Output out,
      int lo,
      int hi,
      int fw,
      int pw,
      boolean flip,
      MemorySegment dst,
      long rowOff,
      long planeBytes) {
    byte[] r = line;
    ChannelNormalization n = out.normalization();
    int s0 = n.sourceChannel(0);
    int s1 = n.sourceChannel(1);
    int s2 = n.sourceChannel(2);
    int dlo = flip ? fw - hi : lo;
    int dhi = flip ? fw - lo : hi;
    byte[] o0 = rowB[0];
    byte[] o1 = rowB[1];
    byte[] o2 = rowB[2];
    for (byte[] o : rowB) {
      Arrays.fill(o, 0, dlo, (byte) 0);
      Arrays.fill(o, dhi, fw, (byte) 0);
    }
    if (flip) {
      for (int x = lo, q = 0, d = fw - 1 - lo; x < hi; x++, q += 3, d--) {
        o0[d] = r[q + s0];
        o1[d] = r[q + s1];
        o2[d] = r[q + s2];
      }
    } else {
      for (int x = lo, q = 0; x < hi; x++, q += 3) {
        o0[x] = r[q + s0];
        o1[x] = r[q + s1];
        o2[x] = r[q + s2];
      }
    }
    for (int c = 0; c < 3; c++) {
      MemorySegment.copy(rowB[c], 0, dst, ValueLayout.JAVA_BYTE, rowOff + c * planeBytes, pw);
    }
  }

  private void prepareTables(ChannelNormalization n) {
    if (n == tableFor) {
      return;
    }
    table = n.table();
    table16 = n.table16();
    tableFor = n;
  }
}
