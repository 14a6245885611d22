package dev.nuload.image;

import java.util.Arrays;

/**
 * One output row per channel in each output type, sized to the padded width and reused across
 * images, shared by the image writers. The pad columns (from the crop width to the padded width)
 * stay 0.
 */
final class OutputRows {
  final byte[][] bytes = {new byte[0], new byte[0], new byte[0]};
  final float[][] floats = {new float[0], new float[0], new float[0]};
  final short[][] halves = {new short[0], new short[0], new short[0]};

  /**
   * Sizes the rows for an image; the arrays are replaced only when the padded width changes.
   *
   * @param fw crop width (columns the writer fills).
   * @param pw padded width.
   */
  void prepare(int fw, int pw) {
    for (int c = 0; c < 3; c++) {
      if (bytes[c].length != pw) {
        bytes[c] = new byte[pw];
        floats[c] = new float[pw];
        halves[c] = new short[pw];
      } else if (pw > fw) {
        Arrays.fill(bytes[c], fw, pw, (byte) 0);
        Arrays.fill(floats[c], fw, pw, 0f);
        Arrays.fill(halves[c], fw, pw, (short) 0);
      }
    }
  }
}
