package dev.nuload.shm;

/**
 * Element types a ring tensor or ragged metadata field can hold. The {@link #code()} is what the
 * ring file stores (see {@code docs/format/ring.md}); {@link #numpyName()} is the numpy dtype
 * string with explicit little-endian byte order.
 */
public enum DType {
  /** Unsigned 8-bit integer. */
  UINT8(1, 1, "<u1"),
  /** Signed 8-bit integer. */
  INT8(2, 1, "<i1"),
  /** Signed 16-bit integer. */
  INT16(3, 2, "<i2"),
  /** Unsigned 16-bit integer. */
  UINT16(4, 2, "<u2"),
  /** Signed 32-bit integer. */
  INT32(5, 4, "<i4"),
  /** Signed 64-bit integer. */
  INT64(6, 8, "<i8"),
  /** IEEE 754 half precision. */
  FLOAT16(7, 2, "<f2"),
  /** IEEE 754 single precision. */
  FLOAT32(8, 4, "<f4"),
  /** IEEE 754 double precision. */
  FLOAT64(9, 8, "<f8");

  private final int code;
  private final int size;
  private final String numpyName;

  DType(int code, int size, String numpyName) {
    this.code = code;
    this.size = size;
    this.numpyName = numpyName;
  }

  /**
   * Returns the code stored in the ring file.
   *
   * @return the dtype code, 1..9.
   */
  public int code() {
    return code;
  }

  /**
   * Returns the size of one element.
   *
   * @return bytes per element.
   */
  public int size() {
    return size;
  }

  /**
   * Returns the numpy dtype string.
   *
   * @return for example {@code <f4}.
   */
  public String numpyName() {
    return numpyName;
  }

  /**
   * Finds the dtype stored under a code.
   *
   * @param code the code read from a ring file.
   * @return the dtype.
   * @throws IllegalArgumentException when no dtype has that code.
   */
  public static DType ofCode(int code) {
    for (DType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown dtype code " + code);
  }
}
