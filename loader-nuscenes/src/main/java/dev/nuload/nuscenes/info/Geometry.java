package dev.nuload.nuscenes.info;

import dev.nuload.nuscenes.geom.RigidTransform;

/**
 * Pure float64 helpers reproducing the numpy / pyquaternion operations of the Python converters
 * (spec 1.10 and 2.5 to 2.8). Matrices are row-major {@code double[9]} (3x3) or {@code double[16]}
 * (4x4); quaternions are {@code [w, x, y, z]}. Every method allocates its result and never mutates
 * its arguments.
 */
public final class Geometry {
  /** pyquaternion's {@code is_unit} tolerance: quaternions closer to unit are not rescaled. */
  private static final double UNIT_TOLERANCE = 1e-14;

  private Geometry() {}

  /**
   * Returns the rotation matrix of a quaternion (normalised first).
   *
   * @param q quaternion {@code [w, x, y, z]}.
   * @return 3x3 row-major.
   */
  public static double[] rotation(double[] q) {
    return RigidTransform.rotationMatrix(q);
  }

  /**
   * Returns the inverse of a 3x3 matrix by LU decomposition with partial pivoting, the algorithm of
   * LAPACK {@code getrf}/{@code getrs} behind {@code np.linalg.inv} (not a transpose, so rounding
   * follows numpy's to within an ulp or so).
   *
   * @param m 3x3 row-major, non-singular.
   * @return the inverse, 3x3 row-major.
   * @throws ArithmeticException when a pivot is zero.
   */
  public static double[] inverse3(double[] m) {
    double[] a = m.clone();
    int[] perm = {0, 1, 2};
    for (int k = 0; k < 3; k++) {
      int p = k;
      for (int i = k + 1; i < 3; i++) {
        if (Math.abs(a[i * 3 + k]) > Math.abs(a[p * 3 + k])) {
          p = i;
        }
      }
      if (a[p * 3 + k] == 0) {
        throw new ArithmeticException("singular 3x3 matrix");
      }
      if (p != k) {
        for (int j = 0; j < 3; j++) {
          double t = a[k * 3 + j];
          a[k * 3 + j] = a[p * 3 + j];
          a[p * 3 + j] = t;
        }
        int t = perm[k];
        perm[k] = perm[p];
        perm[p] = t;
      }
      double r = 1.0 / a[k * 3 + k];
      for (int i = k + 1; i < 3; i++) {
        a[i * 3 + k] *= r;
      }
      for (int i = k + 1; i < 3; i++) {
        double l = a[i * 3 + k];
        for (int j = k + 1; j < 3; j++) {
          a[i * 3 + j] -= l * a[k * 3 + j];
        }
      }
    }
    double[] inv = new double[9];
    double[] b = new double[3];
    for (int col = 0; col < 3; col++) {
      for (int i = 0; i < 3; i++) {
        b[i] = perm[i] == col ? 1.0 : 0.0;
      }
      for (int i = 1; i < 3; i++) { // unit lower
        for (int j = 0; j < i; j++) {
          b[i] -= a[i * 3 + j] * b[j];
        }
      }
      for (int i = 2; i >= 0; i--) { // upper
        b[i] /= a[i * 3 + i];
        for (int j = 0; j < i; j++) {
          b[j] -= b[i] * a[j * 3 + i];
        }
      }
      inv[col] = b[0];
      inv[3 + col] = b[1];
      inv[6 + col] = b[2];
    }
    return inv;
  }

  /**
   * Returns the transpose of a 3x3 matrix.
   *
   * @param m 3x3 row-major.
   * @return its transpose.
   */
  public static double[] transpose3(double[] m) {
    return new double[] {m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]};
  }

  /**
   * Returns the matrix product {@code a @ b} of two 3x3 matrices.
   *
   * @param a left factor.
   * @param b right factor.
   * @return the product.
   */
  public static double[] mul3(double[] a, double[] b) {
    double[] c = new double[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        c[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
      }
    }
    return c;
  }

  /**
   * Returns the row-vector product {@code v @ m} (numpy's {@code vector @ matrix}).
   *
   * @param v 3 values.
   * @param m 3x3 row-major.
   * @return 3 values.
   */
  public static double[] rowTimes(double[] v, double[] m) {
    return new double[] {
      v[0] * m[0] + v[1] * m[3] + v[2] * m[6],
      v[0] * m[1] + v[1] * m[4] + v[2] * m[7],
      v[0] * m[2] + v[1] * m[5] + v[2] * m[8]
    };
  }

  /**
   * Returns the column product {@code m @ v} (numpy's {@code np.dot(matrix, vector)}).
   *
   * @param m 3x3 row-major.
   * @param v 3 values.
   * @return 3 values.
   */
  public static double[] times(double[] m, double[] v) {
    return new double[] {
      m[0] * v[0] + m[1] * v[1] + m[2] * v[2],
      m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
      m[6] * v[0] + m[7] * v[1] + m[8] * v[2]
    };
  }

  /**
   * Returns the matrix product {@code a @ b} of two 4x4 matrices.
   *
   * @param a left factor, row-major.
   * @param b right factor, row-major.
   * @return the product.
   */
  public static double[] mul4(double[] a, double[] b) {
    double[] c = new double[16];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        c[i * 4 + j] =
            a[i * 4] * b[j]
                + a[i * 4 + 1] * b[4 + j]
                + a[i * 4 + 2] * b[8 + j]
                + a[i * 4 + 3] * b[12 + j];
      }
    }
    return c;
  }

  /**
   * Returns the transpose of a 4x4 matrix.
   *
   * @param m 4x4 row-major.
   * @return its transpose.
   */
  public static double[] transpose4(double[] m) {
    double[] t = new double[16];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        t[j * 4 + i] = m[i * 4 + j];
      }
    }
    return t;
  }

  /**
   * Returns the Hamilton product {@code a ⊗ b} (pyquaternion {@code a * b}).
   *
   * @param a left quaternion.
   * @param b right quaternion.
   * @return the product, not normalised.
   */
  public static double[] quatMultiply(double[] a, double[] b) {
    return new double[] {
      a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
      a[1] * b[0] + a[0] * b[1] - a[3] * b[2] + a[2] * b[3],
      a[2] * b[0] + a[3] * b[1] + a[0] * b[2] - a[1] * b[3],
      a[3] * b[0] - a[2] * b[1] + a[1] * b[2] + a[0] * b[3]
    };
  }

  /**
   * Returns pyquaternion's {@code inverse}: the conjugate divided by the squared norm.
   *
   * @param q quaternion, non-zero.
   * @return its inverse.
   */
  public static double[] quatInverse(double[] q) {
    double ss = q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3];
    return new double[] {q[0] / ss, -q[1] / ss, -q[2] / ss, -q[3] / ss};
  }

  /**
   * Returns pyquaternion's {@code yaw_pitch_roll[0]}: {@code atan2(2(wz - xy), 1 - 2(y² + z²))} of
   * the quaternion normalised the way pyquaternion does (only when it is not unit to 1e-14).
   *
   * @param q quaternion {@code [w, x, y, z]}.
   * @return the yaw in radians, in [-pi, pi].
   */
  public static double yaw(double[] q) {
    double ss = q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3];
    double w = q[0];
    double x = q[1];
    double y = q[2];
    double z = q[3];
    if (Math.abs(1.0 - ss) >= UNIT_TOLERANCE) {
      double n = Math.sqrt(ss);
      w /= n;
      x /= n;
      y /= n;
      z /= n;
    }
    return Math.atan2(2 * (w * z - x * y), 1 - 2 * (y * y + z * z));
  }
}
