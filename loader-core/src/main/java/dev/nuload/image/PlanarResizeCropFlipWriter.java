package dev.nuload.image;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The fast mode's writer: resize, crop, flip, colour-convert, normalise and pad a JPEG decoded to
 * its Y, Cb, Cr planes ({@link DecodedPlanes}) straight into a caller's tensor memory, with the
 * same output contract as {@link ResizeCropFlipWriter#write} (same {@link
 * ResizeCropFlipWriter.Output}, CHW planes, crop box outside the resized image = normalised 0,
 * padding = 0):
 *
 * <pre>
 *   per output row of the crop, per plane (Y, and Cb, Cr at their subsampled resolution):
 *     the two nearest plane rows --vertical 2-tap linear blend (only the columns the crop reads)--&gt;
 *     --horizontal 2-tap linear gather, mirrored when flipped--&gt; 8-bit sample per output pixel
 *   Y, Cb, Cr --JFIF full-range YCbCr to B, G, R (libjpeg's 16-bit fixed point, clamped)--&gt; uint8
 *   --normalise (ChannelNormalization, channel order) --&gt; dtype --&gt; 3 planes at dst + offset
 * </pre>
 *
 * Each plane is sampled where the output pixel centre lies: resized pixel {@code (x + 0.5)} maps to
 * image coordinate {@code u = (x + 0.5) * width / resizeWidth}, and to plane sample {@code u / f -
 * 0.5} in a plane subsampled by {@code f} (JPEG chroma samples are centred on the luma samples they
 * cover); samples past the plane's edge are clamped to it. On an axis whose size does not change
 * the luma samples are copied unchanged, so at PETR's test-mode scale (1/2 decode = resize size)
 * the output equals the library's own BGR decode up to the rounding of its chroma upsampling.
 *
 * <p>Compared with resizing decoded BGR ({@link ResizeCropFlipWriter} with {@link
 * ResampleFilter#LINEAR}) this skips the decoder's chroma upsampling and colour conversion of the
 * whole image (both without SIMD in libjpeg-turbo at the 5/8 and 3/4 scales) and converts only the
 * cropped output pixels. Weights have {@value #BITS} fractional bits per axis; the vertical blend
 * keeps them (no rounding between the passes) and the horizontal one rounds to 8 bits.
 *
 * <p>The vertical blend, the colour conversion and the float normalisation read and write int or
 * float arrays at the same index (the form the JIT vectorises); widening plane bytes to ints is not
 * vectorised, so each plane row is widened once into a two-row cache per plane; the horizontal pass
 * is a gather through per-image index tables. Scratch arrays grow to the largest image seen and are
 * reused (no allocation per image once sizes repeat). Not thread-safe: one per worker thread. Holds
 * no native memory.
 */
public final class PlanarResizeCropFlipWriter {
  /** Fractional bits of the interpolation weights on each axis. */
  static final int BITS = 10;

  private static final int ONE = 1 << BITS;

  // libjpeg's FIX(x) = round(x * 2^16) of the JFIF constants 1.402, 0.34414, 0.71414, 1.772
  private static final int CR_R = 91881;
  private static final int CB_G = -22554;
  private static final int CR_G = -46802;
  private static final int CB_B = 116130;
  // the centring (- 128 on Cb and Cr) and the rounding half, folded into one constant each
  private static final int R_BIAS = 32768 - 128 * CR_R;
  private static final int G_BIAS = 32768 - 128 * (CB_G + CR_G);
  private static final int B_BIAS = 32768 - 128 * CB_B;

  // horizontal tables in destination order (mirrored when flipped), index relative to the window
  private int[] lumaX0 = new int[0];
  private int[] lumaX1 = new int[0];
  private int[] lumaW = new int[0];
  private int[] chromaX0 = new int[0];
  private int[] chromaX1 = new int[0];
  private int[] chromaW = new int[0];
  private int lumaStart;
  private int lumaCount;
  private int chromaStart;
  private int chromaCount;
  // vertical sampling of the current row: first row, second row, weight of the second
  private int v0;
  private int v1;
  private int vw;

  private byte[] bytes = new byte[0]; // the window of one plane row
  private final int[][][] cache = new int[3][2][0]; // per plane (Y, Cb, Cr): two widened rows
  private final int[][] cachedRow = new int[3][2]; // their plane row numbers, -1 for none
  private int[] blend = new int[0]; // vertical blend of the window, scaled by 2^BITS
  private int[] yRow = new int[0]; // resized samples of one output row, destination order
  private int[] cbRow = new int[0];
  private int[] crRow = new int[0];
  private final int[][] bgr = new int[3][0]; // B, G, R of one output row, 0 outside the data
  private final OutputRows rows = new OutputRows(); // one output row per channel, padded width
  private final float[][] rowF = rows.floats;
  private final short[][] rowH = rows.halves;
  private final byte[][] rowB = rows.bytes;
  private ChannelNormalization tableFor;
  private float[] mean;
  private float[] inverse;
  private short[][] table16;

  /** Creates a writer with empty scratch space. */
  public PlanarResizeCropFlipWriter() {}

  /**
   * Writes one image.
   *
   * @param src decoded planes (any size; the resize maps the image's full extent to {@code
   *     resizeWidth x resizeHeight}).
   * @param resizeWidth width after resizing.
   * @param resizeHeight height after resizing.
   * @param cropLeft left edge of the crop box in the resized image.
   * @param cropTop top edge of the crop box in the resized image.
   * @param flip whether to mirror the crop horizontally.
   * @param out tensor shape and type.
   * @param dst destination memory.
   * @param offset byte offset of this image's first plane in {@code dst}.
   */
  public void write(
      DecodedPlanes src,
      int resizeWidth,
      int resizeHeight,
      int cropLeft,
      int cropTop,
      boolean flip,
      ResizeCropFlipWriter.Output out,
      MemorySegment dst,
      long offset) {
    out.requireFits(dst, offset);
    if (resizeWidth <= 0 || resizeHeight <= 0) {
      throw new IllegalArgumentException("bad resize " + resizeWidth + "x" + resizeHeight);
    }
    int fw = out.width();
    int fh = out.height();
    int pw = out.paddedWidth();
    int c0 = Math.max(0, cropLeft);
    int c1 = Math.min(resizeWidth, cropLeft + fw);
    int r0 = Math.max(0, cropTop);
    int r1 = Math.min(resizeHeight, cropTop + fh);
    boolean any = r1 > r0 && c1 > c0;
    int lo = any ? c0 - cropLeft : fw; // crop columns with data: [lo, hi) before flipping
    int hi = any ? c1 - cropLeft : fw;
    int dlo = flip ? fw - hi : lo; // destination columns with data
    int dhi = flip ? fw - lo : hi;
    prepare(out.normalization(), fw, pw);
    boolean gray = src.gray();
    if (any) {
      long l =
          mapColumns(
              src.width(),
              resizeWidth,
              1,
              src.width(),
              cropLeft,
              flip,
              fw,
              dlo,
              dhi,
              lumaX0,
              lumaX1,
              lumaW);
      lumaStart = (int) (l >>> 32);
      lumaCount = (int) l;
      int window = lumaCount;
      if (!gray) {
        long c =
            mapColumns(
                src.width(),
                resizeWidth,
                src.chromaFactorX(),
                src.chromaWidth(),
                cropLeft,
                flip,
                fw,
                dlo,
                dhi,
                chromaX0,
                chromaX1,
                chromaW);
        chromaStart = (int) (c >>> 32);
        chromaCount = (int) c;
        window = Math.max(window, chromaCount);
      }
      if (blend.length < window) {
        bytes = new byte[window];
        blend = new int[window];
      }
    }
    for (int[] c : cachedRow) {
      Arrays.fill(c, -1); // new planes
    }
    long elem = out.dtype().bytes();
    long planeBytes = (long) out.paddedHeight() * pw * elem;
    boolean dirty = false; // bgr holds data in [dlo, dhi)
    for (int y = 0; y < fh; y++) {
      int ry = cropTop + y;
      if (any && ry >= r0 && ry < r1) {
        mapRow(src.height(), resizeHeight, 1, src.height(), ry);
        planeRow(
            0,
            src.luma(),
            src.lumaStride(),
            lumaStart,
            lumaCount,
            lumaX0,
            lumaX1,
            lumaW,
            yRow,
            dlo,
            dhi);
        if (gray) {
          for (int c = 0; c < 3; c++) {
            System.arraycopy(yRow, dlo, bgr[c], dlo, dhi - dlo);
          }
        } else {
          mapRow(src.height(), resizeHeight, src.chromaFactorY(), src.chromaHeight(), ry);
          planeRow(
              1,
              src.cb(),
              src.chromaStride(),
              chromaStart,
              chromaCount,
              chromaX0,
              chromaX1,
              chromaW,
              cbRow,
              dlo,
              dhi);
          planeRow(
              2,
              src.cr(),
              src.chromaStride(),
              chromaStart,
              chromaCount,
              chromaX0,
              chromaX1,
              chromaW,
              crRow,
              dlo,
              dhi);
          convert(dlo, dhi);
        }
        dirty = true;
      } else if (dirty) {
        for (int[] c : bgr) {
          Arrays.fill(c, dlo, dhi, 0);
        }
        dirty = false;
      }
      emitRow(out, fw, pw, dst, offset + (long) y * pw * elem, planeBytes);
    }
    if (out.paddedHeight() > fh) {
      for (int c = 0; c < 3; c++) {
        long start = offset + c * planeBytes + (long) fh * pw * elem;
        dst.asSlice(start, (long) (out.paddedHeight() - fh) * pw * elem).fill((byte) 0);
      }
    }
  }

  /**
   * Fills the horizontal tables of one plane for destination columns {@code [dlo, dhi)}: the two
   * plane samples and the weight of the second, indices relative to the window of plane columns the
   * row reads.
   *
   * @return the window's first column in the high 32 bits, its column count in the low 32.
   */
  private long mapColumns(
      int imageWidth,
      int resizeWidth,
      int factor,
      int samples,
      int cropLeft,
      boolean flip,
      int fw,
      int dlo,
      int dhi,
      int[] x0,
      int[] x1,
      int[] wt) {
    double scale = (double) imageWidth / resizeWidth / factor;
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (int d = dlo; d < dhi; d++) {
      int rx = cropLeft + (flip ? fw - 1 - d : d);
      sample((rx + 0.5) * scale - 0.5, samples);
      x0[d] = v0;
      x1[d] = v1;
      wt[d] = vw;
      min = Math.min(min, v0);
      max = Math.max(max, v1);
    }
    for (int d = dlo; d < dhi; d++) {
      x0[d] -= min;
      x1[d] -= min;
    }
    return ((long) min << 32) | (max - min + 1);
  }

  /** Sets {@link #v0}, {@link #v1}, {@link #vw} for output row {@code ry} of one plane. */
  private void mapRow(int imageHeight, int resizeHeight, int factor, int samples, int ry) {
    sample((ry + 0.5) * imageHeight / resizeHeight / factor - 0.5, samples);
  }

  /**
   * Linear interpolation at plane coordinate {@code s} (sample centres at integers), clamped to
   * {@code [0, samples - 1]}: sets {@link #v0}, {@link #v1} and the weight {@link #vw} of {@code
   * v1} in {@code 1 / 2^BITS} steps.
   */
  private void sample(double s, int samples) {
    if (s <= 0) {
      v0 = 0;
      v1 = 0;
      vw = 0;
      return;
    }
    int i = (int) s;
    if (i >= samples - 1) {
      v0 = samples - 1;
      v1 = samples - 1;
      vw = 0;
      return;
    }
    int w = (int) Math.round((s - i) * ONE);
    if (w >= ONE) {
      v0 = i + 1;
      v1 = i + 1;
      vw = 0;
    } else {
      v0 = i;
      v1 = w == 0 ? i : i + 1;
      vw = w;
    }
  }

  /**
   * Produces one output row of one plane in destination order: blends plane rows {@link #v0} and
   * {@link #v1} over the window, then interpolates each destination column from the blend.
   */
  private void planeRow(
      int p,
      MemorySegment plane,
      int stride,
      int start,
      int count,
      int[] x0,
      int[] x1,
      int[] wt,
      int[] row,
      int dlo,
      int dhi) {
    int[] v = blendRow(p, plane, stride, start, count, blend);
    int half = 1 << (2 * BITS - 1);
    int shift = 2 * BITS;
    for (int d = dlo; d < dhi; d++) {
      int w = wt[d];
      row[d] = (v[x0[d]] * (ONE - w) + v[x1[d]] * w + half) >> shift;
    }
  }

  /**
   * Blends plane rows {@link #v0} and {@link #v1} over the window {@code [start, start + count)}
   * into {@code v}, scaled by {@code 2^BITS}.
   */
  private int[] blendRow(int p, MemorySegment plane, int stride, int start, int count, int[] v) {
    int[] a = widened(p, plane, stride, start, count, v0, v1);
    if (vw == 0) {
      for (int i = 0; i < count; i++) {
        v[i] = a[i] << BITS;
      }
    } else {
      int[] b = widened(p, plane, stride, start, count, v1, v0);
      int w1 = vw;
      int w0 = ONE - w1;
      for (int i = 0; i < count; i++) {
        v[i] = a[i] * w0 + b[i] * w1;
      }
    }
    return v;
  }

  /**
   * Returns the window of plane row {@code r} widened to ints, from a two-row cache per plane
   * (consecutive output rows mostly read the same plane rows, and widening bytes is the slow part:
   * the JIT does not vectorise it); a miss replaces the slot not holding row {@code keep}.
   */
  private int[] widened(
      int p, MemorySegment plane, int stride, int start, int count, int r, int keep) {
    int[] idx = cachedRow[p];
    int[][] rows = cache[p];
    if (idx[0] == r) {
      return rows[0];
    }
    if (idx[1] == r) {
      return rows[1];
    }
    int slot = idx[0] == keep ? 1 : 0;
    int[] t = rows[slot];
    if (t.length < count) {
      t = new int[count];
      rows[slot] = t;
    }
    byte[] a = bytes;
    MemorySegment.copy(plane, ValueLayout.JAVA_BYTE, (long) r * stride + start, a, 0, count);
    for (int i = 0; i < count; i++) {
      t[i] = a[i] & 0xFF;
    }
    idx[slot] = r;
    return t;
  }

  /**
   * Converts the row's Y, Cb, Cr to B, G, R with JFIF's full-range formulas in libjpeg's fixed
   * point ({@code jdcolor.c}: 16 fractional bits, rounded, the 128 offset folded into the
   * constant), clamped to 0..255. One loop per output channel: the JIT vectorises these, not one
   * loop writing all three.
   */
  private void convert(int dlo, int dhi) {
    int[] yr = yRow;
    int[] cbr = cbRow;
    int[] crr = crRow;
    int[] b = bgr[0];
    int[] g = bgr[1];
    int[] r = bgr[2];
    for (int d = dlo; d < dhi; d++) {
      r[d] = Math.min(255, Math.max(0, yr[d] + ((CR_R * crr[d] + R_BIAS) >> 16)));
    }
    for (int d = dlo; d < dhi; d++) {
      g[d] = Math.min(255, Math.max(0, yr[d] + ((CB_G * cbr[d] + CR_G * crr[d] + G_BIAS) >> 16)));
    }
    for (int d = dlo; d < dhi; d++) {
      b[d] = Math.min(255, Math.max(0, yr[d] + ((CB_B * cbr[d] + B_BIAS) >> 16)));
    }
  }

  /** Writes one output row of each plane from {@link #bgr} (columns past the data hold 0). */
  private void emitRow(
      ResizeCropFlipWriter.Output out,
      int fw,
      int pw,
      MemorySegment dst,
      long rowOff,
      long planeBytes) {
    ChannelNormalization n = out.normalization();
    for (int c = 0; c < 3; c++) {
      int[] s = bgr[n.sourceChannel(c)];
      long at = rowOff + c * planeBytes;
      switch (out.dtype()) {
        case UINT8 -> {
          byte[] o = rowB[c];
          for (int x = 0; x < fw; x++) {
            o[x] = (byte) s[x];
          }
          MemorySegment.copy(o, 0, dst, ValueLayout.JAVA_BYTE, at, pw);
        }
        case FLOAT32 -> {
          float[] o = rowF[c];
          float m = mean[c];
          float inv = inverse[c];
          // the expression of ChannelNormalization.table(), so the values equal its entries
          for (int x = 0; x < fw; x++) {
            o[x] = ((float) s[x] - m) * inv;
          }
          MemorySegment.copy(o, 0, dst, ValueLayout.JAVA_FLOAT_UNALIGNED, at, pw);
        }
        case FLOAT16 -> {
          short[] o = rowH[c];
          short[] t = table16[c];
          for (int x = 0; x < fw; x++) {
            o[x] = t[s[x]];
          }
          MemorySegment.copy(o, 0, dst, ValueLayout.JAVA_SHORT_UNALIGNED, at, pw);
        }
      }
    }
  }

  /** Sizes the scratch rows and tables; clears the B, G, R rows and the pad columns. */
  private void prepare(ChannelNormalization n, int fw, int pw) {
    if (lumaX0.length < fw) {
      lumaX0 = new int[fw];
      lumaX1 = new int[fw];
      lumaW = new int[fw];
      chromaX0 = new int[fw];
      chromaX1 = new int[fw];
      chromaW = new int[fw];
      yRow = new int[fw];
      cbRow = new int[fw];
      crRow = new int[fw];
    }
    for (int c = 0; c < 3; c++) {
      if (bgr[c].length < fw) {
        bgr[c] = new int[fw];
      } else {
        Arrays.fill(bgr[c], 0);
      }
    }
    rows.prepare(fw, pw);
    if (n != tableFor) {
      mean = new float[3];
      inverse = new float[3];
      for (int c = 0; c < 3; c++) {
        mean[c] = (float) n.mean()[c];
        inverse[c] = (float) (1.0 / n.std()[c]);
      }
      table16 = n.table16();
      tableFor = n;
    }
  }
}
