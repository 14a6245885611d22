package dev.nuload.image;

/**
 * Picks JPEG codecs: TurboJPEG when {@code libturbojpeg.so.0} loads, else ImageIO (logged once at
 * WARNING). The system property {@value #TURBOJPEG_PROP_NAME}{@code =false} forces ImageIO.
 */
public final class JpegCodecs {
  /** System property; {@code false} disables TurboJPEG. */
  public static final String TURBOJPEG_PROP_NAME = "nuload.turbojpeg";

  private static final System.Logger LOG = System.getLogger(JpegCodecs.class.getName());
  private static volatile boolean warned;

  private JpegCodecs() {}

  /**
   * Tells whether {@link #encoder()} will return a TurboJPEG encoder.
   *
   * @return true when the library is loadable and not disabled by {@value #TURBOJPEG_PROP_NAME}.
   */
  public static boolean turboJpegEnabled() {
    return !"false".equalsIgnoreCase(System.getProperty(TURBOJPEG_PROP_NAME))
        && TurboJpegEncoder.isAvailable();
  }

  /**
   * Creates the fastest available encoder; the caller owns and closes it.
   *
   * @return a new encoder.
   */
  public static JpegEncoder encoder() {
    if (turboJpegEnabled()) {
      return new TurboJpegEncoder();
    }
    if (!warned && !"false".equalsIgnoreCase(System.getProperty(TURBOJPEG_PROP_NAME))) {
      warned = true;
      LOG.log(
          System.Logger.Level.WARNING, TurboJpeg.LIBRARY + " not found, using ImageIO (slower)");
    }
    return new ImageIoJpegEncoder();
  }

  /**
   * Creates the fastest available decoder; the caller owns and closes it. The ImageIO fallback is
   * logged once per process at WARNING.
   *
   * @return a new decoder.
   */
  public static JpegDecoder decoder() {
    if (turboJpegEnabled()) {
      return new TurboJpegDecoder();
    }
    if (!warned && !"false".equalsIgnoreCase(System.getProperty(TURBOJPEG_PROP_NAME))) {
      warned = true;
      LOG.log(
          System.Logger.Level.WARNING,
          TurboJpeg.LIBRARY + " not found, decoding JPEGs with ImageIO (about 3x slower)");
    }
    return new ImageIoJpegDecoder();
  }
}
