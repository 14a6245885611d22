package dev.nuload.nuscenes.petr;

/** How the images of a sample are decoded and resampled. */
public enum ImageMode {
  /**
   * Full-size decode and Pillow's BICUBIC convolution: the same 8-bit pixels as the Python PETR
   * pipeline (bit-identical on the real nuScenes images tested), before normalisation.
   */
  EXACT,
  /**
   * DCT-scaled decode (the smallest TurboJPEG factor still at least the resize target) and a
   * BILINEAR convolution from there: same geometry (sizes, crop, ida), about 2x less work, pixel
   * values close to but not equal to {@link #EXACT} (see {@code nuload preview} for the measured
   * difference).
   */
  FAST
}
