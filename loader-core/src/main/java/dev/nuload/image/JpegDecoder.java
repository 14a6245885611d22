package dev.nuload.image;

/**
 * Decodes JPEG bytes to interleaved 8-bit BGR pixels (OpenCV's order, which the PETR pipeline
 * reads) in a buffer the decoder owns and reuses. Not thread-safe: use one per thread.
 *
 * <p>Failure contract: bytes that are not a JPEG, a damaged header, truncated or corrupt entropy
 * data all raise {@link dev.nuload.BadDataException} whose message starts with the {@code source}
 * name and says why; nothing crashes the JVM and the decoder stays usable for the next image.
 *
 * <p>Ownership: {@link #close()} releases the native handle and the pixel buffer; every {@link
 * DecodedImage} returned earlier becomes invalid.
 */
public interface JpegDecoder extends AutoCloseable {
  /**
   * Decodes at the stored size.
   *
   * @param jpeg the JPEG bytes.
   * @param length how many bytes of {@code jpeg} are valid.
   * @param source the file or entry name used in error messages.
   * @return a view valid until the next call or {@link #close()}.
   * @throws dev.nuload.BadDataException when the bytes cannot be decoded.
   */
  DecodedImage decode(byte[] jpeg, int length, String source);

  /**
   * Decodes with the smallest DCT-domain scaling factor the implementation supports whose output is
   * still at least {@code minWidth x minHeight}, so later resampling never upscales. An
   * implementation without DCT scaling decodes at the stored size.
   *
   * @param jpeg the JPEG bytes.
   * @param length how many bytes of {@code jpeg} are valid.
   * @param source the file or entry name used in error messages.
   * @param minWidth smallest acceptable output width.
   * @param minHeight smallest acceptable output height.
   * @return a view valid until the next call or {@link #close()}.
   * @throws dev.nuload.BadDataException when the bytes cannot be decoded.
   */
  DecodedImage decodeAtLeast(byte[] jpeg, int length, String source, int minWidth, int minHeight);

  /**
   * Names the implementation for logs and reports.
   *
   * @return {@code turbojpeg} or {@code imageio}.
   */
  String name();

  /** Releases the decoder's buffers and native handle; idempotent. */
  @Override
  void close();
}
