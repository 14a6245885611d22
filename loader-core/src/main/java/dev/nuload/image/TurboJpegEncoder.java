package dev.nuload.image;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * {@link JpegEncoder} calling libjpeg-turbo's {@code tjCompress2} through the FFM API. Pixels are
 * passed straight from the Java array (critical downcall, no copy); the JPEG is written into an
 * off-heap buffer sized with {@code tjBufSize} and reused across calls ({@code TJFLAG_NOREALLOC}).
 *
 * <p>Ownership: the instance owns one TurboJPEG compressor handle and one {@link Arena} holding the
 * output buffer; {@link #close()} destroys the handle and closes the arena, invalidating any buffer
 * returned by {@link #encode}. Not thread-safe.
 */
public final class TurboJpegEncoder implements JpegEncoder {
  private final Arena arena = Arena.ofShared();
  private final MemorySegment handle;
  private final MemorySegment bufPtr; // uchar* holding the output buffer address
  private final MemorySegment sizePtr; // ulong
  private Arena outArena;
  private MemorySegment out = MemorySegment.NULL;
  private boolean closed;

  /**
   * Creates an encoder.
   *
   * @throws UnsupportedOperationException when {@code libturbojpeg.so.0} cannot be loaded.
   */
  public TurboJpegEncoder() {
    if (!TurboJpeg.available()) {
      throw new UnsupportedOperationException(
          TurboJpeg.LIBRARY + " not usable: " + TurboJpeg.LOAD_FAILURE, TurboJpeg.LOAD_FAILURE);
    }
    try {
      handle = (MemorySegment) TurboJpeg.INIT_COMPRESS.invokeExact();
    } catch (Throwable t) {
      arena.close();
      throw new IllegalStateException("tjInitCompress failed", t);
    }
    if (handle.equals(MemorySegment.NULL)) {
      arena.close();
      throw new IllegalStateException("tjInitCompress returned NULL");
    }
    bufPtr = arena.allocate(ADDRESS);
    sizePtr = arena.allocate(JAVA_LONG);
  }

  /**
   * Tells whether TurboJPEG can be used in this process.
   *
   * @return true when {@code libturbojpeg.so.0} and its symbols loaded.
   */
  public static boolean isAvailable() {
    return TurboJpeg.available();
  }

  @Override
  public ByteBuffer encode(byte[] pixels, int width, int height, PixelFormat format, int quality) {
    return encode(pixels, width, height, format, quality, TurboJpeg.TJSAMP_420);
  }

  /**
   * Encodes with a given chroma subsampling (tests make 4:4:4 and greyscale JPEGs with it).
   *
   * @param pixels interleaved 8-bit pixels, {@code width * height * 3} bytes.
   * @param width width in pixels.
   * @param height height in pixels.
   * @param format byte order of {@code pixels}.
   * @param quality 1 to 100.
   * @param subsamp a {@code TJSAMP_*} value of {@link TurboJpeg}.
   * @return the JPEG bytes, a read-only view valid until the next call or {@link #close()}.
   */
  ByteBuffer encode(
      byte[] pixels, int width, int height, PixelFormat format, int quality, int subsamp) {
    if (closed) {
      throw new IllegalStateException("encoder is closed");
    }
    JpegEncoder.checkArguments(pixels, width, height, quality);
    long cap;
    try {
      cap = (long) TurboJpeg.BUF_SIZE.invokeExact(width, height, subsamp);
    } catch (Throwable t) {
      throw new IllegalStateException("tjBufSize failed", t);
    }
    if (out.byteSize() < cap) {
      if (outArena != null) {
        outArena.close();
      }
      outArena = Arena.ofShared();
      out = outArena.allocate(cap, 64);
    }
    bufPtr.set(ADDRESS, 0, out);
    sizePtr.set(JAVA_LONG, 0, out.byteSize());
    int pf = format == PixelFormat.BGR ? TurboJpeg.TJPF_BGR : TurboJpeg.TJPF_RGB;
    int rc;
    try {
      rc =
          (int)
              TurboJpeg.COMPRESS2.invokeExact(
                  handle,
                  MemorySegment.ofArray(pixels),
                  width,
                  width * 3,
                  height,
                  pf,
                  bufPtr,
                  sizePtr,
                  subsamp,
                  quality,
                  TurboJpeg.TJFLAG_NOREALLOC);
    } catch (Throwable t) {
      throw new IllegalStateException("tjCompress2 call failed", t);
    }
    if (rc != 0) {
      throw new IllegalStateException("tjCompress2: " + TurboJpeg.errorString(handle));
    }
    long size = sizePtr.get(JAVA_LONG, 0);
    return out.asSlice(0, size).asByteBuffer().asReadOnlyBuffer();
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
}
