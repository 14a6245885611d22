package dev.nuload.image;

/**
 * Resampling kernels with Pillow's definitions ({@code src/libImaging/Resample.c}): when shrinking,
 * the kernel is widened by the scale factor (antialiasing), as Pillow does.
 */
public enum ResampleFilter {
  /** Pillow's BICUBIC (Keys cubic, a = -0.5, support 2): what {@code Image.resize} uses for RGB. */
  BICUBIC(2.0) {
    @Override
    double weight(double x) {
      final double a = -0.5;
      if (x < 0.0) {
        x = -x;
      }
      if (x < 1.0) {
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
      }
      if (x < 2.0) {
        return (((x - 5) * x + 8) * x - 4) * a;
      }
      return 0.0;
    }
  },
  /** Pillow's BILINEAR (triangle, support 1): half the taps of BICUBIC, used by the fast mode. */
  BILINEAR(1.0) {
    @Override
    double weight(double x) {
      if (x < 0.0) {
        x = -x;
      }
      return x < 1.0 ? 1.0 - x : 0.0;
    }
  };

  private final double support;

  ResampleFilter(double support) {
    this.support = support;
  }

  /**
   * Returns the kernel's support radius at scale 1.
   *
   * @return support in input pixels.
   */
  public double support() {
    return support;
  }

  /**
   * Evaluates the kernel.
   *
   * @param x distance in (scaled) input pixels.
   * @return the weight.
   */
  abstract double weight(double x);
}
