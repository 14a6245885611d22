package dev.nuload.image;

import java.lang.foreign.MemorySegment;

/**
 * A JPEG decoded to its stored colour planes, without chroma upsampling or colour conversion: 8-bit
 * Y, Cb, Cr planes (JFIF full range), or only Y for a greyscale JPEG. A view into the decoder's
 * reusable buffer, valid until the decoder's next decode call or its {@code close()}.
 *
 * <p>Sample {@code (x, y)} of a plane is the byte at {@code y * stride + x}. The luma plane holds
 * {@code width x height} image samples (its stride and row count may be padded up to the chroma
 * block, as {@code tjPlaneWidth} and {@code tjPlaneHeight} say); each chroma plane holds {@code
 * ceil(width / chromaFactorX) x ceil(height / chromaFactorY)} samples, sample {@code j} covering
 * luma samples {@code [j * f, (j + 1) * f)} with its centre in the middle of them (JPEG's centred
 * chroma siting).
 *
 * @param luma Y plane.
 * @param cb Cb plane, {@link MemorySegment#NULL} for greyscale.
 * @param cr Cr plane, {@link MemorySegment#NULL} for greyscale.
 * @param width image width in pixels (after DCT scaling).
 * @param height image height in pixels (after DCT scaling).
 * @param lumaStride bytes per luma row.
 * @param chromaWidth samples per chroma row (0 for greyscale).
 * @param chromaHeight chroma rows (0 for greyscale).
 * @param chromaStride bytes per chroma row (0 for greyscale).
 * @param chromaFactorX luma samples per chroma sample horizontally: 1, 2 or 4 (0 for greyscale).
 * @param chromaFactorY luma samples per chroma sample vertically: 1 or 2 (0 for greyscale).
 * @param sourceWidth width stored in the JPEG.
 * @param sourceHeight height stored in the JPEG.
 */
public record DecodedPlanes(
    MemorySegment luma,
    MemorySegment cb,
    MemorySegment cr,
    int width,
    int height,
    int lumaStride,
    int chromaWidth,
    int chromaHeight,
    int chromaStride,
    int chromaFactorX,
    int chromaFactorY,
    int sourceWidth,
    int sourceHeight) {

  /**
   * Tells whether the image has only a luma plane.
   *
   * @return true for a greyscale JPEG.
   */
  public boolean gray() {
    return chromaFactorX == 0;
  }

  /**
   * Tells whether the decoder scaled the image in the DCT domain.
   *
   * @return true when the size differs from the stored size.
   */
  public boolean scaled() {
    return width != sourceWidth || height != sourceHeight;
  }
}
