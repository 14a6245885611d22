package dev.nuload.shm;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * One variable-size metadata field of every sample, stored in a slot's metadata area: a string per
 * sample (sample tokens) or a ragged array per sample (gt boxes: {@code [n_i, 9]} float32).
 *
 * @param name the key a trainer uses; 1..255 bytes of {@code [A-Za-z0-9_.]}.
 * @param kind strings or ragged arrays.
 * @param dtype the element type of a ragged field; null for strings.
 * @param innerShape the shape after the per-sample row count of a ragged field (0..4 dims); empty
 *     for strings.
 */
public record MetaSpec(String name, Kind kind, DType dtype, int[] innerShape) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.]{1,255}");

  /** What a metadata field holds per sample. */
  public enum Kind {
    /** One UTF-8 string per sample. */
    STRING(1),
    /** One array of shape {@code [rows, innerShape...]} per sample. */
    RAGGED(2);

    private final int code;

    Kind(int code) {
      this.code = code;
    }

    /**
     * Returns the code stored in a metadata record.
     *
     * @return 1 or 2.
     */
    public int code() {
      return code;
    }
  }

  /** Validates the spec. */
  public MetaSpec {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "metadata name '" + name + "' must be 1..255 characters of [A-Za-z0-9_.]");
    }
    if (kind == Kind.RAGGED && dtype == null) {
      throw new IllegalArgumentException("ragged metadata " + name + " needs a dtype");
    }
    if (innerShape.length > RingDescriptor.MAX_META_INNER_DIMS) {
      throw new IllegalArgumentException("metadata " + name + ": inner shape has more than 4 dims");
    }
    innerShape = innerShape.clone();
  }

  /**
   * A string field.
   *
   * @param name the field name.
   * @return the spec.
   */
  public static MetaSpec strings(String name) {
    return new MetaSpec(name, Kind.STRING, null, new int[0]);
  }

  /**
   * A ragged array field.
   *
   * @param name the field name.
   * @param dtype the element type.
   * @param innerShape dimensions after the row count.
   * @return the spec.
   */
  public static MetaSpec ragged(String name, DType dtype, int... innerShape) {
    return new MetaSpec(name, Kind.RAGGED, dtype, innerShape);
  }

  /**
   * Returns the inner shape.
   *
   * @return a copy.
   */
  @Override
  public int[] innerShape() {
    return innerShape.clone();
  }

  /**
   * Bytes of one row of a ragged field (1 for strings: a row is one byte).
   *
   * @return element size times the inner element count.
   */
  public int rowBytes() {
    if (kind == Kind.STRING) {
      return 1;
    }
    int n = dtype.size();
    for (int d : innerShape) {
      n *= d;
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MetaSpec m
        && m.name.equals(name)
        && m.kind == kind
        && m.dtype == dtype
        && Arrays.equals(m.innerShape, innerShape);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }
}
