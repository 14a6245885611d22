package dev.nuload.image;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.nuload.BadDataException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@link JpegDecoder} calling libjpeg-turbo's {@code tjDecompressHeader3} and {@code tjDecompress2}
 * (or {@code tjDecompressToYUVPlanes}, {@link #decodePlanesAtLeast}) through the FFM API. The JPEG
 * bytes are passed straight from the Java array (critical downcall); pixels land in one off-heap
 * buffer that grows to the largest image seen and is then reused. Decoding uses the library
 * defaults, which are also what OpenCV and Pillow use: accurate integer IDCT and "fancy" (smooth)
 * chroma upsampling. DCT-domain scaling uses the library's own list of factors ({@code
 * tjGetScalingFactors}).
 *
 * <p>Ownership: the instance owns one TurboJPEG decompressor handle and the pixel buffer's {@link
 * Arena}; {@link #close()} releases both. Not thread-safe.
 */
public final class TurboJpegDecoder implements JpegDecoder {
  /** Scaling factors as {num, denom} pairs, in the library's order. */
  private static final int[][] FACTORS = loadFactors();

  private final Arena arena = Arena.ofShared();
  private final MemorySegment handle;
  private final MemorySegment ints; // width, height, subsamp, colorspace
  private final MemorySegment planePointers; // uchar* dstPlanes[3]
  private Arena outArena;
  private MemorySegment out = MemorySegment.NULL;
  private boolean closed;

  /**
   * Creates a decoder.
   *
   * @throws UnsupportedOperationException when {@code libturbojpeg.so.0} cannot be loaded.
   */
  public TurboJpegDecoder() {
    if (!TurboJpeg.available()) {
      throw new UnsupportedOperationException(
          TurboJpeg.LIBRARY + " not usable: " + TurboJpeg.LOAD_FAILURE, TurboJpeg.LOAD_FAILURE);
    }
    try {
      handle = (MemorySegment) TurboJpeg.INIT_DECOMPRESS.invokeExact();
    } catch (Throwable t) {
      arena.close();
      throw new IllegalStateException("tjInitDecompress failed", t);
    }
    if (handle.equals(MemorySegment.NULL)) {
      arena.close();
      throw new IllegalStateException("tjInitDecompress returned NULL");
    }
    ints = arena.allocate(JAVA_INT, 4);
    planePointers = arena.allocate(ADDRESS, 3);
  }

  /**
   * Tells whether TurboJPEG can be used in this process.
   *
   * @return true when {@code libturbojpeg.so.0} and its symbols loaded.
   */
  public static boolean isAvailable() {
    return TurboJpeg.available();
  }

  /**
   * Returns the DCT scaling factors the library offers.
   *
   * @return {num, denom} pairs; empty when the library is absent.
   */
  public static int[][] scalingFactors() {
    int[][] copy = new int[FACTORS.length][];
    for (int i = 0; i < FACTORS.length; i++) {
      copy[i] = FACTORS[i].clone();
    }
    return copy;
  }

  /**
   * Returns the smallest scaling factor whose scaled size is at least the minimum ({@code
   * TJSCALED}: {@code ceil(dim * num / denom)}); 1/1 when none of the reducing factors fits.
   *
   * @param width stored width.
   * @param height stored height.
   * @param minWidth smallest acceptable width.
   * @param minHeight smallest acceptable height.
   * @return {num, denom}.
   */
  public static int[] chooseFactor(int width, int height, int minWidth, int minHeight) {
    int[] best = {1, 1};
    long bestArea = (long) width * height;
    for (int[] f : FACTORS) {
      int w = scaled(width, f);
      int h = scaled(height, f);
      if (w >= minWidth && h >= minHeight && (long) w * h < bestArea) {
        best = f;
        bestArea = (long) w * h;
      }
    }
    return best.clone();
  }

  private static int scaled(int dim, int[] f) {
    return (int) (((long) dim * f[0] + f[1] - 1) / f[1]);
  }

  @Override
  public DecodedImage decode(byte[] jpeg, int length, String source) {
    return decodeAtLeast(jpeg, length, source, Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  @Override
  public DecodedImage decodeAtLeast(
      byte[] jpeg, int length, String source, int minWidth, int minHeight) {
    MemorySegment src = readHeader(jpeg, length, source);
    int sw = ints.getAtIndex(JAVA_INT, 0);
    int sh = ints.getAtIndex(JAVA_INT, 1);
    int[] f = factorFor(sw, sh, minWidth, minHeight);
    int w = scaled(sw, f);
    int h = scaled(sh, f);
    long need = (long) w * h * 3;
    ensureOut(need);
    int rc;
    try {
      rc =
          (int)
              TurboJpeg.DECOMPRESS2.invokeExact(
                  handle, src, (long) length, out, w, w * 3, h, TurboJpeg.TJPF_BGR, 0);
    } catch (Throwable t) {
      throw new IllegalStateException("tjDecompress2 call failed", t);
    }
    if (rc != 0) {
      throw new BadDataException(
          source + ": corrupt or truncated JPEG: " + TurboJpeg.errorString(handle));
    }
    return new DecodedImage(out, w, h, sw, sh);
  }

  /**
   * Decodes to the stored Y, Cb, Cr planes (no chroma upsampling, no colour conversion: {@code
   * tjDecompressToYUVPlanes}) with the same DCT scaling choice as {@link #decodeAtLeast}. At the
   * non-power-of-two factors this skips the library's slowest steps (its upsampling and colour
   * conversion have no SIMD code there). The planes land in the decoder's reusable buffer.
   *
   * @param jpeg the JPEG bytes.
   * @param length how many bytes of {@code jpeg} are valid.
   * @param source the file or entry name used in error messages.
   * @param minWidth smallest acceptable output width.
   * @param minHeight smallest acceptable output height.
   * @return a view valid until the next call or {@link #close()}, or null when the JPEG is not
   *     YCbCr or greyscale (RGB, CMYK, YCCK JPEGs) or uses a subsampling without a planar path: the
   *     caller then uses {@link #decodeAtLeast}.
   * @throws BadDataException when the bytes cannot be decoded (message starts with {@code source}).
   */
  public DecodedPlanes decodePlanesAtLeast(
      byte[] jpeg, int length, String source, int minWidth, int minHeight) {
    MemorySegment src = readHeader(jpeg, length, source);
    int sw = ints.getAtIndex(JAVA_INT, 0);
    int sh = ints.getAtIndex(JAVA_INT, 1);
    int subsamp = ints.getAtIndex(JAVA_INT, 2);
    int colorspace = ints.getAtIndex(JAVA_INT, 3);
    int fx;
    int fy;
    switch (subsamp) {
      case TurboJpeg.TJSAMP_444 -> {
        fx = 1;
        fy = 1;
      }
      case TurboJpeg.TJSAMP_422 -> {
        fx = 2;
        fy = 1;
      }
      case TurboJpeg.TJSAMP_420 -> {
        fx = 2;
        fy = 2;
      }
      case TurboJpeg.TJSAMP_440 -> {
        fx = 1;
        fy = 2;
      }
      case TurboJpeg.TJSAMP_411 -> {
        fx = 4;
        fy = 1;
      }
      case TurboJpeg.TJSAMP_GRAY -> {
        fx = 0;
        fy = 0;
      }
      default -> {
        return null;
      }
    }
    boolean gray = subsamp == TurboJpeg.TJSAMP_GRAY;
    if (colorspace != (gray ? TurboJpeg.TJCS_GRAY : TurboJpeg.TJCS_YCBCR)) {
      return null;
    }
    int[] f = factorFor(sw, sh, minWidth, minHeight);
    int w = scaled(sw, f);
    int h = scaled(sh, f);
    int lumaStride;
    int lumaRows;
    int chromaStride = 0;
    int chromaRows = 0;
    try {
      lumaStride = (int) TurboJpeg.PLANE_WIDTH.invokeExact(0, w, subsamp);
      lumaRows = (int) TurboJpeg.PLANE_HEIGHT.invokeExact(0, h, subsamp);
      if (!gray) {
        chromaStride = (int) TurboJpeg.PLANE_WIDTH.invokeExact(1, w, subsamp);
        chromaRows = (int) TurboJpeg.PLANE_HEIGHT.invokeExact(1, h, subsamp);
      }
    } catch (Throwable t) {
      throw new IllegalStateException("tjPlaneWidth/tjPlaneHeight call failed", t);
    }
    if (lumaStride <= 0 || lumaRows <= 0 || (!gray && (chromaStride <= 0 || chromaRows <= 0))) {
      return null;
    }
    long lumaBytes = (long) lumaStride * lumaRows;
    long chromaBytes = (long) chromaStride * chromaRows;
    // each plane starts on a 64-byte boundary
    long chromaAt = (lumaBytes + 63) & ~63L;
    long crAt = chromaAt + ((chromaBytes + 63) & ~63L);
    ensureOut(crAt + chromaBytes);
    MemorySegment luma = out.asSlice(0, lumaBytes);
    MemorySegment cb = gray ? MemorySegment.NULL : out.asSlice(chromaAt, chromaBytes);
    MemorySegment cr = gray ? MemorySegment.NULL : out.asSlice(crAt, chromaBytes);
    planePointers.setAtIndex(ADDRESS, 0, luma);
    planePointers.setAtIndex(ADDRESS, 1, cb);
    planePointers.setAtIndex(ADDRESS, 2, cr);
    int rc;
    try {
      rc =
          (int)
              TurboJpeg.DECOMPRESS_TO_YUV_PLANES.invokeExact(
                  handle, src, (long) length, planePointers, w, MemorySegment.NULL, h, 0);
    } catch (Throwable t) {
      throw new IllegalStateException("tjDecompressToYUVPlanes call failed", t);
    }
    if (rc != 0) {
      throw new BadDataException(
          source + ": corrupt or truncated JPEG: " + TurboJpeg.errorString(handle));
    }
    return new DecodedPlanes(
        luma,
        cb,
        cr,
        w,
        h,
        lumaStride,
        gray ? 0 : (w + fx - 1) / fx,
        gray ? 0 : (h + fy - 1) / fy,
        chromaStride,
        fx,
        fy,
        sw,
        sh);
  }

  /** Reads the header into {@link #ints}; returns the JPEG bytes as a segment. */
  private MemorySegment readHeader(byte[] jpeg, int length, String source) {
    if (closed) {
      throw new IllegalStateException("decoder is closed");
    }
    if (length < 0 || length > jpeg.length) {
      throw new IllegalArgumentException("length " + length + " outside the array");
    }
    MemorySegment src = MemorySegment.ofArray(jpeg);
    int rc;
    try {
      rc =
          (int)
              TurboJpeg.DECOMPRESS_HEADER3.invokeExact(
                  handle,
                  src,
                  (long) length,
                  ints,
                  ints.asSlice(4),
                  ints.asSlice(8),
                  ints.asSlice(12));
    } catch (Throwable t) {
      throw new IllegalStateException("tjDecompressHeader3 call failed", t);
    }
    if (rc != 0) {
      throw new BadDataException(
          source + ": not a decodable JPEG header: " + TurboJpeg.errorString(handle));
    }
    return src;
  }

  private static int[] factorFor(int sw, int sh, int minWidth, int minHeight) {
    return minWidth >= sw && minHeight >= sh
        ? new int[] {1, 1}
        : chooseFactor(sw, sh, minWidth, minHeight);
  }

  private void ensureOut(long need) {
    if (out.byteSize() < need) {
      if (outArena != null) {
        outArena.close();
      }
      outArena = Arena.ofShared();
      out = outArena.allocate(need, 64);
    }
  }

  @Override
  public String name() {
    return "turbojpeg";
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      int ignored = (int) TurboJpeg.DESTROY.invokeExact(handle);
    } catch (Throwable t) {
      // nothing else to release for the handle
    } finally {
      if (outArena != null) {
        outArena.close();
      }
      arena.close();
    }
  }

  private static int[][] loadFactors() {
    if (!TurboJpeg.available()) {
      return new int[0][];
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment n = a.allocate(JAVA_INT);
      MemorySegment p = (MemorySegment) TurboJpeg.GET_SCALING_FACTORS.invokeExact(n);
      int count = n.get(JAVA_INT, 0);
      if (p.equals(MemorySegment.NULL) || count <= 0) {
        return new int[][] {{1, 1}};
      }
      MemorySegment arr = p.reinterpret(8L * count);
      int[][] f = new int[count][];
      for (int i = 0; i < count; i++) {
        f[i] = new int[] {arr.getAtIndex(JAVA_INT, 2L * i), arr.getAtIndex(JAVA_INT, 2L * i + 1)};
      }
      return f;
    } catch (Throwable t) {
      return new int[][] {{1, 1}};
    }
  }
}
