package dev.nuload.image;

import dev.nuload.BadDataException;

/**
 * What a JPEG's start-of-frame segment says, read by walking the marker segments (no decoding).
 *
 * @param width image width.
 * @param height image height.
 * @param components number of colour components (1 or 3).
 * @param sofMarker the SOF marker byte ({@code 0xC0} baseline, {@code 0xC2} progressive, ...).
 * @param subsampling chroma subsampling derived from the sampling factors.
 */
public record JpegHeader(
    int width, int height, int components, int sofMarker, Subsampling subsampling) {

  /** Chroma subsampling of a JPEG. */
  public enum Subsampling {
    /** No subsampling. */
    S444,
    /** Chroma halved horizontally. */
    S422,
    /** Chroma halved in both directions. */
    S420,
    /** One component. */
    GRAY,
    /** Anything else. */
    OTHER
  }

  /**
   * Tells whether the frame is baseline DCT (SOF0).
   *
   * @return true for SOF0.
   */
  public boolean baseline() {
    return sofMarker == 0xC0;
  }

  /**
   * Reads the header of a JPEG.
   *
   * @param jpeg the JPEG bytes.
   * @param length how many bytes of {@code jpeg} are valid.
   * @return the header.
   * @throws BadDataException when the bytes are not a JPEG or no SOF segment is found.
   */
  public static JpegHeader read(byte[] jpeg, int length) {
    if (length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
      throw new BadDataException("not a JPEG: missing SOI marker");
    }
    int p = 2;
    while (p + 4 <= length) {
      if ((jpeg[p] & 0xFF) != 0xFF) {
        throw new BadDataException("corrupt JPEG: expected a marker at byte " + p);
      }
      int marker = jpeg[p + 1] & 0xFF;
      if (marker == 0xFF) {
        p++; // fill byte
        continue;
      }
      if (marker == 0xD9 || marker == 0xDA) {
        break; // EOI or start of scan before any SOF
      }
      int segLen = ((jpeg[p + 2] & 0xFF) << 8) | (jpeg[p + 3] & 0xFF);
      if (segLen < 2 || p + 2 + segLen > length) {
        throw new BadDataException("corrupt JPEG: segment at byte " + p + " has length " + segLen);
      }
      boolean sof =
          marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) {
        int s = p + 4;
        if (segLen < 8) {
          throw new BadDataException("corrupt JPEG: SOF segment too short");
        }
        int height = ((jpeg[s + 1] & 0xFF) << 8) | (jpeg[s + 2] & 0xFF);
        int width = ((jpeg[s + 3] & 0xFF) << 8) | (jpeg[s + 4] & 0xFF);
        int nc = jpeg[s + 5] & 0xFF;
        if (segLen < 8 + 3 * nc) {
          throw new BadDataException(
              "corrupt JPEG: SOF segment too short for " + nc + " components");
        }
        int[] h = new int[nc];
        int[] v = new int[nc];
        for (int c = 0; c < nc; c++) {
          int f = jpeg[s + 6 + 3 * c + 1] & 0xFF;
          h[c] = f >> 4;
          v[c] = f & 15;
        }
        return new JpegHeader(width, height, nc, marker, subsampling(h, v));
      }
      p += 2 + segLen;
    }
    throw new BadDataException("corrupt JPEG: no SOF segment");
  }

  private static Subsampling subsampling(int[] h, int[] v) {
    if (h.length == 1) {
      return Subsampling.GRAY;
    }
    if (h.length != 3 || h[1] != 1 || v[1] != 1 || h[2] != 1 || v[2] != 1) {
      return Subsampling.OTHER;
    }
    if (h[0] == 1 && v[0] == 1) {
      return Subsampling.S444;
    }
    if (h[0] == 2 && v[0] == 1) {
      return Subsampling.S422;
    }
    if (h[0] == 2 && v[0] == 2) {
      return Subsampling.S420;
    }
    return Subsampling.OTHER;
  }
}
