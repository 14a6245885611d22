package dev.nuload.image;

/**
 * Fixed-point convolution weights for resizing one axis from {@code inSize} to {@code outSize}
 * samples, computed exactly as Pillow's {@code precompute_coeffs} and {@code normalize_coeffs_8bpc}
 * do: the same centre, support and window bounds, weights normalised to sum 1 in double precision,
 * then rounded half away from zero to {@value #PRECISION_BITS} fractional bits. Output sample
 * {@code o} is {@code clip8((1 << 21) + sum_k in[first(o) + k] * weight(o, k)) >> 22}, see {@link
 * #apply}.
 */
public final class ResizeCoefficients {
  /** Pillow's {@code PRECISION_BITS} for 8-bit images: {@code 32 - 8 - 2}. */
  public static final int PRECISION_BITS = 22;

  private final int inSize;
  private final int outSize;
  private final ResampleFilter filter;
  private final int ksize;
  private final int maxTaps;
  private final int[] first;
  private final int[] taps;
  private final int[] weights;

  /**
   * Computes the weights.
   *
   * @param inSize input samples on this axis.
   * @param outSize output samples on this axis.
   * @param filter the kernel.
   */
  public ResizeCoefficients(int inSize, int outSize, ResampleFilter filter) {
    if (inSize <= 0 || outSize <= 0) {
      throw new IllegalArgumentException("bad resize " + inSize + " -> " + outSize);
    }
    this.inSize = inSize;
    this.outSize = outSize;
    this.filter = filter;
    double scale = (double) inSize / outSize;
    double filterscale = filter.antialias() ? Math.max(scale, 1.0) : 1.0;
    double support = filter.support() * filterscale;
    ksize = (int) Math.ceil(support) * 2 + 1;
    first = new int[outSize];
    taps = new int[outSize];
    weights = new int[outSize * ksize];
    double[] k = new double[ksize];
    for (int xx = 0; xx < outSize; xx++) {
      double center = (xx + 0.5) * scale;
      double ww = 0.0;
      double ss = 1.0 / filterscale;
      int xmin = (int) (center - support + 0.5);
      if (xmin < 0) {
        xmin = 0;
      }
      int xmax = (int) (center + support + 0.5);
      if (xmax > inSize) {
        xmax = inSize;
      }
      xmax -= xmin;
      for (int x = 0; x < xmax; x++) {
        double w = filter.weight((x + xmin - center + 0.5) * ss);
        k[x] = w;
        ww += w;
      }
      for (int x = 0; x < xmax; x++) {
        if (ww != 0.0) {
          k[x] /= ww;
        }
        double v = k[x] * (1 << PRECISION_BITS);
        weights[xx * ksize + x] = v < 0 ? (int) (-0.5 + v) : (int) (0.5 + v);
      }
      first[xx] = xmin;
      taps[xx] = xmax;
    }
    int m = 0;
    for (int t : taps) {
      m = Math.max(m, t);
    }
    maxTaps = m;
  }

  /**
   * Tells whether these weights were computed for the given resize.
   *
   * @param in input size.
   * @param out output size.
   * @param f filter.
   * @return true on a match.
   */
  boolean matches(int in, int out, ResampleFilter f) {
    return in == inSize && out == outSize && f == filter;
  }

  /**
   * Returns the first input sample output {@code o} reads.
   *
   * @param o output index.
   * @return input index.
   */
  public int first(int o) {
    return first[o];
  }

  /**
   * Returns how many input samples output {@code o} reads.
   *
   * @param o output index.
   * @return tap count.
   */
  public int taps(int o) {
    return taps[o];
  }

  /**
   * Returns the fixed-point weight of tap {@code k} of output {@code o}.
   *
   * @param o output index.
   * @param k tap index.
   * @return weight scaled by {@code 2^22}.
   */
  public int weight(int o, int k) {
    return weights[o * ksize + k];
  }

  int ksize() {
    return ksize;
  }

  /** Largest tap count of any output; weights past an output's own taps are 0 up to ksize. */
  int maxTaps() {
    return maxTaps;
  }

  int[] weights() {
    return weights;
  }

  /**
   * Rounds and clips a fixed-point accumulator to 8 bits as Pillow's {@code clip8} does.
   *
   * @param acc the sum, including the {@code 1 << 21} rounding term.
   * @return 0 to 255.
   */
  static int clip8(int acc) {
    // same as Pillow's branches (>= 1 << 30 -> 255, <= 0 -> 0, else acc >> 22), branch-free
    return Math.min(255, Math.max(0, acc >> PRECISION_BITS));
  }

  /**
   * Resamples one line of single-channel samples (reference form, used by tests).
   *
   * @param in input samples 0 to 255.
   * @return output samples.
   */
  public int[] apply(int[] in) {
    int[] out = new int[outSize];
    for (int o = 0; o < outSize; o++) {
      int acc = 1 << (PRECISION_BITS - 1);
      for (int k = 0; k < taps[o]; k++) {
        acc += in[first[o] + k] * weights[o * ksize + k];
      }
      out[o] = clip8(acc);
    }
    return out;
  }
}
