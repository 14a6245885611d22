package dev.nuload.image;

import java.nio.ByteBuffer;

/**
 * Encodes interleaved 8-bit 3-channel pixels to a baseline (SOF0) JPEG with 4:2:0 chroma
 * subsampling. Implementations reuse one output buffer, so an instance is not thread-safe: use one
 * per thread.
 *
 * <p>An encoder owns its native or heap buffers; {@link #close()} releases them. Buffers returned
 * by {@link #encode} belong to the encoder.
 */
public interface JpegEncoder extends AutoCloseable {
  /**
   * Encodes an image.
   *
   * @param pixels {@code width * height * 3} bytes, rows top to bottom without padding.
   * @param width image width in pixels.
   * @param height image height in pixels.
   * @param format byte order of a pixel.
   * @param quality JPEG quality, 1 to 100.
   * @return a read-only view of the JPEG bytes (position 0, limit = length); valid until the next
   *     call to {@code encode} or {@link #close()}.
   * @throws IllegalArgumentException on bad dimensions, quality or a short pixel array.
   * @throws IllegalStateException when the encoder is closed or the codec reports an error.
   */
  ByteBuffer encode(byte[] pixels, int width, int height, PixelFormat format, int quality);

  /**
   * Names the implementation for logs and reports.
   *
   * @return e.g. {@code turbojpeg} or {@code imageio}.
   */
  String name();

  /** Releases the encoder's buffers and native handle; idempotent. */
  @Override
  void close();

  /**
   * Validates the arguments of {@link #encode}.
   *
   * @param pixels the pixel array.
   * @param width width.
   * @param height height.
   * @param quality quality.
   */
  static void checkArguments(byte[] pixels, int width, int height, int quality) {
    if (width <= 0 || height <= 0 || width > 65_535 || height > 65_535) {
      throw new IllegalArgumentException("bad JPEG size " + width + "x" + height);
    }
    if (quality < 1 || quality > 100) {
      throw new IllegalArgumentException("JPEG quality must be 1..100, got " + quality);
    }
    long need = (long) width * height * 3;
    if (pixels.length < need) {
      throw new IllegalArgumentException(
          "pixel array holds "
              + pixels.length
              + " bytes, "
              + width
              + "x"
              + height
              + " needs "
              + need);
    }
  }
}
