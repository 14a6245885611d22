package dev.nuload.image;

/** Element type of an image tensor written by {@link ResizeCropFlipWriter}; native byte order. */
public enum TensorDType {
  /** IEEE 754 binary32 ({@code numpy.float32}). */
  FLOAT32(4),
  /** IEEE 754 binary16 ({@code numpy.float16}), rounded to nearest even. */
  FLOAT16(2),
  /** Unsigned 8-bit; normalisation is left to the trainer (4x fewer bytes than float32). */
  UINT8(1);

  private final int bytes;

  TensorDType(int bytes) {
    this.bytes = bytes;
  }

  /**
   * Returns the element size.
   *
   * @return bytes per element.
   */
  public int bytes() {
    return bytes;
  }

  /**
   * Returns the NumPy dtype string of this type in little-endian order.
   *
   * @return e.g. {@code <f4}.
   */
  public String numpyDescr() {
    return switch (this) {
      case FLOAT32 -> "<f4";
      case FLOAT16 -> "<f2";
      case UINT8 -> "|u1";
    };
  }

  /**
   * Parses a command-line value.
   *
   * @param s {@code float32}, {@code float16} or {@code uint8}, any case.
   * @return the type.
   * @throws IllegalArgumentException for anything else, naming the value.
   */
  public static TensorDType parse(String s) {
    return switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "float32" -> FLOAT32;
      case "float16" -> FLOAT16;
      case "uint8" -> UINT8;
      default ->
          throw new IllegalArgumentException("--dtype must be float32, float16 or uint8, got " + s);
    };
  }
}
