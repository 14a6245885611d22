package dev.nuload.shm;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * One dense tensor of every sample: its name, element type and per-sample shape. In a batch slot
 * the tensor has shape {@code [B, shape...]}.
 *
 * @param name the key a trainer uses, for example {@code img}; 1..47 bytes of {@code
 *     [A-Za-z0-9_.]}.
 * @param dtype the element type.
 * @param shape the per-sample shape (0..8 dimensions, each at least 1).
 */
public record TensorSpec(String name, DType dtype, long[] shape) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.]{1,47}");

  /** Validates the spec. */
  public TensorSpec {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "tensor name '" + name + "' must be 1..47 characters of [A-Za-z0-9_.]");
    }
    if (dtype == null) {
      throw new IllegalArgumentException("tensor " + name + ": dtype is missing");
    }
    if (shape.length > RingDescriptor.MAX_TENSOR_DIMS) {
      throw new IllegalArgumentException(
          "tensor " + name + ": " + shape.length + " dimensions, at most 8");
    }
    for (long d : shape) {
      if (d < 1) {
        throw new IllegalArgumentException(
            "tensor " + name + ": dimension " + d + " in " + Arrays.toString(shape));
      }
    }
    shape = shape.clone();
  }

  /**
   * Creates a spec.
   *
   * @param name the tensor name.
   * @param dtype the element type.
   * @param shape the per-sample shape.
   * @return the spec.
   */
  public static TensorSpec of(String name, DType dtype, long... shape) {
    return new TensorSpec(name, dtype, shape);
  }

  /**
   * Returns the per-sample shape.
   *
   * @return a copy of the shape.
   */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /**
   * Returns the bytes one sample of this tensor takes.
   *
   * @return element count times element size.
   */
  public long sampleBytes() {
    long n = dtype.size();
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t
        && t.name.equals(name)
        && t.dtype == dtype
        && Arrays.equals(t.shape, shape);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + ":" + dtype.name().toLowerCase(java.util.Locale.ROOT) + Arrays.toString(shape);
  }
}
