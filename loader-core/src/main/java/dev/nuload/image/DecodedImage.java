package dev.nuload.image;

import java.lang.foreign.MemorySegment;

/**
 * A decoded image: interleaved 8-bit B, G, R pixels, rows top to bottom, row stride {@code width *
 * 3} bytes, no padding. A view into a decoder's reusable buffer: valid until the decoder's next
 * {@code decode} call or its {@code close()}.
 *
 * @param pixels at least {@code width * height * 3} bytes.
 * @param width width in pixels (after DCT scaling).
 * @param height height in pixels (after DCT scaling).
 * @param sourceWidth width stored in the JPEG.
 * @param sourceHeight height stored in the JPEG.
 */
public record DecodedImage(
    MemorySegment pixels, int width, int height, int sourceWidth, int sourceHeight) {

  /**
   * Tells whether the decoder scaled the image in the DCT domain.
   *
   * @return true when the size differs from the stored size.
   */
  public boolean scaled() {
    return width != sourceWidth || height != sourceHeight;
  }
}
