package dev.nuload.nuscenes.petr;

/** How the images of a sample are decoded and resampled. */
public enum ImageMode {
  /**
   * Full-size decode and Pillow's BICUBIC convolution: the same 8-bit pixels as the Python PETR
   * pipeline (bit-identical on the real nuScenes images tested), before normalisation.
   */
  EXACT,
  /**
   * DCT-scaled decode (the smallest TurboJPEG factor still at least the resize target, so nothing
   * is upscaled) to the JPEG's Y, Cb, Cr planes and 2-tap linear interpolation of each plane for
   * the remaining shrink of at most 1.25, converting only the cropped pixels to BGR ({@link
   * dev.nuload.image.PlanarResizeCropFlipWriter}); with ImageIO (no DCT scaling) a BGR decode and
   * Pillow's antialiased BILINEAR. Same geometry (sizes, crop, ida), less work, pixel values close
   * to but not equal to {@link #EXACT} ({@code nuload preview} prints the measured difference).
   */
  FAST;

  /**
   * Parses a command-line value.
   *
   * @param s {@code exact} or {@code fast}, any case.
   * @return the mode.
   * @throws IllegalArgumentException for anything else, naming the value.
   */
  public static ImageMode parse(String s) {
    return switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "exact" -> EXACT;
      case "fast" -> FAST;
      default -> throw new IllegalArgumentException("--mode must be exact or fast, got " + s);
    };
  }
}
