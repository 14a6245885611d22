package dev.nuload.archive;

/**
 * The engines that inflate gzip data. {@link #selected()} picks ISA-L when {@code libisal.so.2}
 * loads (Debian/Ubuntu package {@code libisal2}) and the system property {@value #ISAL_PROP_NAME}
 * is not {@code false}, else the JDK's zlib (logged once at WARNING). Both give the same bytes and
 * the same errors; ISA-L is faster (measured in {@code loader-bench}).
 */
public enum InflateEngine {
  /** Intel ISA-L's {@code isal_inflate} through FFM. */
  ISAL("isa-l (" + IsalRawInflater.LIBRARY + ")"),
  /** {@link java.util.zip.Inflater} (zlib bundled with the JDK). */
  JAVA("java.util.zip (zlib)");

  /** System property; {@code false} makes {@link #selected()} return {@link #JAVA}. */
  public static final String ISAL_PROP_NAME = "nuload.isal";

  private static final System.Logger LOG = System.getLogger(InflateEngine.class.getName());
  private static volatile boolean warned;

  private final String description;

  InflateEngine(String description) {
    this.description = description;
  }

  /**
   * Returns the engine to use by default: ISA-L when usable and not disabled.
   *
   * @return the engine.
   */
  public static InflateEngine selected() {
    if ("false".equalsIgnoreCase(System.getProperty(ISAL_PROP_NAME))) {
      return JAVA;
    }
    if (ISAL.available()) {
      return ISAL;
    }
    if (!warned) {
      warned = true;
      LOG.log(
          System.Logger.Level.WARNING,
          IsalRawInflater.LIBRARY
              + " not found (install libisal2), inflating gzip with java.util.zip (slower)");
    }
    return JAVA;
  }

  /**
   * Tells whether the engine can be used in this process.
   *
   * @return true for {@link #JAVA}; for {@link #ISAL} when the library loaded.
   */
  public boolean available() {
    return this == JAVA || IsalRawInflater.available();
  }

  /**
   * Returns why the engine is not available.
   *
   * @return the load failure, or null when available.
   */
  public Throwable loadFailure() {
    return this == JAVA ? null : IsalRawInflater.LOAD_FAILURE;
  }

  /**
   * Returns a name for reports ({@code isa-l (libisal.so.2)}, {@code java.util.zip (zlib)}).
   *
   * @return the description.
   */
  public String description() {
    return description;
  }

  /** Opens a decoder; the caller closes it. */
  RawInflater open(int inCapacity, int outCapacity) {
    return this == ISAL ? new IsalRawInflater(inCapacity, outCapacity) : new JavaRawInflater();
  }
}
