package dev.nuload.image;

/**
 * Resampling kernels with Pillow's definitions ({@code src/libImaging/Resample.c}): when shrinking,
 * the kernel is widened by the scale factor (antialiasing), as Pillow does.
 */
public enum ResampleFilter {
  /** Pillow's BICUBIC (Keys cubic, a = -0.5, support 2): what {@code Image.resize} uses for RGB. */
  BICUBIC(2.0, true) {
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
  /** Pillow's BILINEAR (triangle, support 1, widened when shrinking): half the taps of BICUBIC. */
  BILINEAR(1.0, true) {
    @Override
    double weight(double x) {
      return triangle(x);
    }
  },
  /**
   * Linear interpolation between the two nearest samples, never widened (at most 2 taps). Used by
   * the fast mode after DCT-domain scaling has done the large part of the shrinking (the residual
   * scale is at most 1.25 with TurboJPEG's 1/8 steps, where the missing antialiasing costs little).
   */
  LINEAR(1.0, false) {
    @Override
    double weight(double x) {
      return triangle(x);
    }
  };

  private final double support;
  private final boolean antialias;

  ResampleFilter(double support, boolean antialias) {
    this.support = support;
    this.antialias = antialias;
  }

  /**
   * Tells whether the kernel is widened by the shrink factor (Pillow's antialiasing).
   *
   * @return true for the Pillow filters.
   */
  public boolean antialias() {
    return antialias;
  }

  private static double triangle(double x) {
    if (x < 0.0) {
      x = -x;
    }
    return x < 1.0 ? 1.0 - x : 0.0;
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
