package dev.nuload.nuscenes.geom;

/**
 * A rotation plus translation in column convention: {@code p_dst = R * p_src + t}. Immutable. The
 * rotation is built from a {@code [w, x, y, z]} quaternion exactly as pyquaternion does (the
 * quaternion is normalised first), so results match the Python converters to rounding.
 *
 * @param r the 3x3 rotation, row-major (9 values).
 * @param t the translation (3 values).
 */
public record RigidTransform(double[] r, double[] t) {
  /** The identity transform. */
  public static final RigidTransform IDENTITY =
      new RigidTransform(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[3]);

  /**
   * Builds the transform of a nuScenes pose record.
   *
   * @param quatWxyz rotation quaternion, scalar first (need not be unit length).
   * @param translation translation in metres.
   * @return the transform.
   */
  public static RigidTransform of(double[] quatWxyz, double[] translation) {
    return new RigidTransform(rotationMatrix(quatWxyz), translation.clone());
  }

  /**
   * Returns the 3x3 rotation matrix (row-major) of a quaternion, normalising it first, with
   * pyquaternion's formula.
   *
   * @param q quaternion {@code [w, x, y, z]}.
   * @return 9 values, row-major.
   */
  public static double[] rotationMatrix(double[] q) {
    double n = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
    double w = q[0] / n;
    double x = q[1] / n;
    double y = q[2] / n;
    double z = q[3] / n;
    return new double[] {
      1 - 2 * (y * y + z * z),
      2 * (x * y - w * z),
      2 * (x * z + w * y),
      2 * (x * y + w * z),
      1 - 2 * (x * x + z * z),
      2 * (y * z - w * x),
      2 * (x * z - w * y),
      2 * (y * z + w * x),
      1 - 2 * (x * x + y * y)
    };
  }

  /**
   * Returns {@code next ∘ this}: first this transform, then {@code next}.
   *
   * @param next the transform applied after this one.
   * @return the composition.
   */
  public RigidTransform then(RigidTransform next) {
    double[] nr = next.r;
    double[] rr = new double[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        rr[i * 3 + j] = nr[i * 3] * r[j] + nr[i * 3 + 1] * r[3 + j] + nr[i * 3 + 2] * r[6 + j];
      }
    }
    return new RigidTransform(rr, next.apply(t));
  }

  /**
   * Returns the inverse transform ({@code R^T, -R^T t}).
   *
   * @return the inverse.
   */
  public RigidTransform inverse() {
    double[] rt = {r[0], r[3], r[6], r[1], r[4], r[7], r[2], r[5], r[8]};
    double[] ti = {
      -(rt[0] * t[0] + rt[1] * t[1] + rt[2] * t[2]),
      -(rt[3] * t[0] + rt[4] * t[1] + rt[5] * t[2]),
      -(rt[6] * t[0] + rt[7] * t[1] + rt[8] * t[2])
    };
    return new RigidTransform(rt, ti);
  }

  /**
   * Maps a point.
   *
   * @param p a point (3 values) in the source frame.
   * @return the point in the destination frame.
   */
  public double[] apply(double[] p) {
    return new double[] {
      r[0] * p[0] + r[1] * p[1] + r[2] * p[2] + t[0],
      r[3] * p[0] + r[4] * p[1] + r[5] * p[2] + t[1],
      r[6] * p[0] + r[7] * p[1] + r[8] * p[2] + t[2]
    };
  }

  /**
   * Rotates a direction (no translation).
   *
   * @param v a vector (3 values).
   * @return the rotated vector.
   */
  public double[] rotate(double[] v) {
    return new double[] {
      r[0] * v[0] + r[1] * v[1] + r[2] * v[2],
      r[3] * v[0] + r[4] * v[1] + r[5] * v[2],
      r[6] * v[0] + r[7] * v[1] + r[8] * v[2]
    };
  }
}
