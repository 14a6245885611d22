package dev.nuload.image;

/**
 * Picks JPEG codecs: TurboJPEG when {@code libturbojpeg.so.0} loads, else ImageIO, with one WARNING
 * line per process that names the library and why it did not load. The system property {@value
 * #TURBOJPEG_PROP_NAME}{@code =false} forces ImageIO without a warning; {@value
 * #TURBOJPEG_PATH_PROP_NAME} names another shared object to load (read once, when the first codec
 * is created).
 */
public final class JpegCodecs {
  /** System property; {@code false} disables TurboJPEG. */
  public static final String TURBOJPEG_PROP_NAME = "nuload.turbojpeg";

  /**
   * System property: path (or dynamic-linker name) of the TurboJPEG shared object, default {@code
   * libturbojpeg.so.0}; with {@code NULOAD_JAVA_OPTS=-Dnuload.turbojpeg.path=...} for the CLI.
   */
  public static final String TURBOJPEG_PATH_PROP_NAME = "nuload.turbojpeg.path";

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
    warnFallback("encoding JPEGs with ImageIO (slower)");
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
    warnFallback("decoding JPEGs with ImageIO (about 3x slower)");
    return new ImageIoJpegDecoder();
  }

  /** Logs the first fallback of the process, unless TurboJPEG was switched off on purpose. */
  private static synchronized void warnFallback(String consequence) {
    if (warned || "false".equalsIgnoreCase(System.getProperty(TURBOJPEG_PROP_NAME))) {
      return;
    }
    warned = true;
    Throwable why = TurboJpeg.LOAD_FAILURE;
    String reason = why == null ? "unknown reason" : String.valueOf(why.getMessage());
    LOG.log(
        System.Logger.Level.WARNING,
        "TurboJPEG library "
            + TurboJpeg.LIBRARY
            + " not usable ("
            + reason.replaceAll("\\s+", " ")
            + "), "
            + consequence);
  }
}
