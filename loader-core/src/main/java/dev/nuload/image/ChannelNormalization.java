package dev.nuload.image;

/**
 * Per-channel normalisation {@code out = (in - mean[c]) * (1 / std[c])} in float32 arithmetic (what
 * mmcv's {@code imnormalize} computes with OpenCV on a float32 image), optionally swapping BGR to
 * RGB first. Channel {@code c} is an <em>output</em> channel: B, G, R when {@code toRgb} is false.
 *
 * @param mean per output channel.
 * @param std per output channel, non-zero.
 * @param toRgb whether the output channel order is R, G, B (the decoded order is B, G, R).
 */
public record ChannelNormalization(double[] mean, double[] std, boolean toRgb) {
  /** No normalisation, BGR kept: output values equal the 8-bit input. */
  public static final ChannelNormalization NONE =
      new ChannelNormalization(new double[] {0, 0, 0}, new double[] {1, 1, 1}, false);

  /**
   * Validates the record.
   *
   * @param mean per output channel.
   * @param std per output channel.
   * @param toRgb channel order.
   */
  public ChannelNormalization {
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need 3 values each");
    }
    for (double s : std) {
      if (s == 0 || !Double.isFinite(s)) {
        throw new IllegalArgumentException("std must be finite and non-zero, got " + s);
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /**
   * Returns the index of the decoded (B, G, R) channel that feeds output channel {@code c}.
   *
   * @param c output channel 0..2.
   * @return source channel 0..2.
   */
  public int sourceChannel(int c) {
    return toRgb ? 2 - c : c;
  }

  /**
   * Tabulates the normalised value of every 8-bit input for each output channel.
   *
   * @return {@code [3][256]}.
   */
  public float[][] table() {
    float[][] t = new float[3][256];
    for (int c = 0; c < 3; c++) {
      float m = (float) mean[c];
      float inv = (float) (1.0 / std[c]);
      for (int v = 0; v < 256; v++) {
        t[c][v] = ((float) v - m) * inv;
      }
    }
    return t;
  }

  /**
   * Tabulates {@link #table()} as IEEE half-precision bit patterns.
   *
   * @return {@code [3][256]}.
   */
  public short[][] table16() {
    float[][] t = table();
    short[][] h = new short[3][256];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        h[c][v] = Float.floatToFloat16(t[c][v]);
      }
    }
    return h;
  }
}
