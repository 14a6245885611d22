package dev.nuload.nuscenes.petr;

/**
 * The PETR geometry of spec 3.3.6 and 3.3.7 as pure functions on float64 row-major matrices (3x3 =
 * 9 values, 4x4 = 16) and box rows {@code [x, y, z_bottom, w, l, h, angle, vx, vy]}. Every method
 * allocates its result and never mutates its arguments (PETR mutates shared sweep intrinsics; this
 * follows Paddle3D and works on copies).
 */
public final class PetrGeometry {
  /** Values per GT box row. */
  public static final int BOX_DIM = 9;

  private PetrGeometry() {}

  /**
   * Returns the image-augmentation matrix {@code ida} (BEVDet construction).
   *
   * @param r resize ratio (real-valued).
   * @param cropLeft {@code crop_w}.
   * @param cropTop {@code crop_h}.
   * @param flip horizontal flip.
   * @param finalWidth {@code fW} (crop right - crop left).
   * @param finalHeight {@code fH}.
   * @param rotDegrees {@code rot} in degrees.
   * @return 3x3 row-major.
   */
  public static double[] ida(
      double r,
      int cropLeft,
      int cropTop,
      boolean flip,
      int finalWidth,
      int finalHeight,
      double rotDegrees) {
    // A (2x2) and b (2)
    double a00 = r;
    double a01 = 0;
    double a10 = 0;
    double a11 = r;
    double b0 = -cropLeft;
    double b1 = -cropTop;
    if (flip) {
      a00 = -a00;
      a01 = -a01;
      b0 = -b0 + finalWidth;
    }
    double th = rotDegrees / 180 * Math.PI;
    double c = Math.cos(th);
    double s = Math.sin(th);
    // Rrot = [[c, s], [-s, c]]
    double n00 = c * a00 + s * a10;
    double n01 = c * a01 + s * a11;
    double n10 = -s * a00 + c * a10;
    double n11 = -s * a01 + c * a11;
    double cx = finalWidth / 2.0;
    double cy = finalHeight / 2.0;
    double nb0 = c * b0 + s * b1 + cx - (c * cx + s * cy);
    double nb1 = -s * b0 + c * b1 + cy - (-s * cx + c * cy);
    return new double[] {n00, n01, nb0, n10, n11, nb1, 0, 0, 1};
  }

  /**
   * Applies {@code ida} to the top-left 3x3 of a 4x4 intrinsics matrix ({@code K4}).
   *
   * @param ida 3x3.
   * @param intrinsics 4x4.
   * @return a new 4x4 whose top-left block is {@code ida * K}; row/column 3 copied.
   */
  public static double[] applyIda(double[] ida, double[] intrinsics) {
    double[] m = intrinsics.clone();
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double s = 0;
        for (int k = 0; k < 3; k++) {
          s += ida[i * 3 + k] * intrinsics[k * 4 + j];
        }
        m[i * 4 + j] = s;
      }
    }
    return m;
  }

  /**
   * Returns {@code lidar2img = intrinsics * extrinsics^T} (extrinsics in PETR's transposed layout).
   *
   * @param intrinsics 4x4.
   * @param extrinsics 4x4, transposed lidar-to-camera.
   * @return 4x4.
   */
  public static double[] lidar2img(double[] intrinsics, double[] extrinsics) {
    double[] m = new double[16];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        double s = 0;
        for (int k = 0; k < 4; k++) {
          s += intrinsics[i * 4 + k] * extrinsics[j * 4 + k];
        }
        m[i * 4 + j] = s;
      }
    }
    return m;
  }

  /**
   * Returns the frame change {@code M^-1} of {@code GlobalRotScaleTransImage}: first the rotation
   * {@code Rz(θ)^-1}, then the scale {@code S(s)^-1}, i.e. {@code Rz^-1 * S^-1}.
   *
   * @param theta rotation angle, radians.
   * @param scale scale factor.
   * @return 4x4.
   */
  public static double[] rotScaleInverse(double theta, double scale) {
    double c = Math.cos(theta);
    double s = Math.sin(theta);
    double k = 1.0 / scale;
    // Rz^-1 = Rz^T = [[c, s], [-s, c]]; times diag(k, k, k, 1)
    return new double[] {c * k, s * k, 0, 0, -s * k, c * k, 0, 0, 0, 0, k, 0, 0, 0, 0, 1};
  }

  /**
   * Updates a {@code lidar2img} for {@code GlobalRotScaleTransImage}: {@code lidar2img * Rz^-1 *
   * S^-1}.
   *
   * @param lidar2img 4x4.
   * @param theta rotation, radians.
   * @param scale scale.
   * @return 4x4.
   */
  public static double[] rotScaleLidar2img(double[] lidar2img, double theta, double scale) {
    return mul4(lidar2img, rotScaleInverse(theta, scale));
  }

  /**
   * Updates a transposed extrinsics matrix: {@code (S^-1)^T * (Rz^-1)^T * E} (mmdet3d/PETR).
   *
   * @param extrinsics 4x4 transposed lidar-to-camera.
   * @param theta rotation, radians.
   * @param scale scale.
   * @return 4x4.
   */
  public static double[] rotScaleExtrinsics(double[] extrinsics, double theta, double scale) {
    double[] m = rotScaleInverse(theta, scale);
    double[] mt = new double[16];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        mt[j * 4 + i] = m[i * 4 + j];
      }
    }
    return mul4(mt, extrinsics);
  }

  /**
   * Rotates and scales GT boxes as {@code GlobalRotScaleTransImage} does (rotation first): centre
   * and velocity rotate by +θ about z, angle decreases by θ (not re-wrapped), then x, y, z, w, l,
   * h, vx, vy are multiplied by s.
   *
   * @param boxes rows of {@link #BOX_DIM}.
   * @param theta rotation, radians.
   * @param scale scale.
   * @return new rows.
   */
  public static double[] rotScaleBoxes(double[] boxes, double theta, double scale) {
    double[] b = boxes.clone();
    double c = Math.cos(theta);
    double s = Math.sin(theta);
    for (int o = 0; o < b.length; o += BOX_DIM) {
      double x = b[o];
      double y = b[o + 1];
      b[o] = (x * c - y * s) * scale;
      b[o + 1] = (x * s + y * c) * scale;
      b[o + 2] *= scale;
      b[o + 3] *= scale;
      b[o + 4] *= scale;
      b[o + 5] *= scale;
      b[o + 6] -= theta;
      double vx = b[o + 7];
      double vy = b[o + 8];
      b[o + 7] = (vx * c - vy * s) * scale;
      b[o + 8] = (vx * s + vy * c) * scale;
    }
    return b;
  }

  /**
   * Returns the 8 corners of a box: bottom face first (counter-clockwise seen from above), then the
   * top face in the same order. Width {@code w} is across, length {@code l} along the heading
   * {@code yaw = -angle - pi/2}.
   *
   * @param boxes rows of {@link #BOX_DIM}.
   * @param i box index.
   * @return 24 values, {x, y, z} per corner.
   */
  public static double[] corners(double[] boxes, int i) {
    int o = i * BOX_DIM;
    double yaw = -boxes[o + 6] - Math.PI / 2;
    double c = Math.cos(yaw);
    double s = Math.sin(yaw);
    double hl = boxes[o + 4] / 2;
    double hw = boxes[o + 3] / 2;
    double[] lx = {hl, -hl, -hl, hl};
    double[] ly = {hw, hw, -hw, -hw};
    double[] out = new double[24];
    for (int k = 0; k < 8; k++) {
      int q = k % 4;
      out[k * 3] = boxes[o] + lx[q] * c - ly[q] * s;
      out[k * 3 + 1] = boxes[o + 1] + lx[q] * s + ly[q] * c;
      out[k * 3 + 2] = boxes[o + 2] + (k < 4 ? 0 : boxes[o + 5]);
    }
    return out;
  }

  /**
   * Projects a lidar point with a {@code lidar2img} matrix.
   *
   * @param lidar2img 4x4.
   * @param x lidar x.
   * @param y lidar y.
   * @param z lidar z.
   * @return {u, v, depth}; u and v are meaningful only for depth &gt; 0.
   */
  public static double[] project(double[] lidar2img, double x, double y, double z) {
    double u = lidar2img[0] * x + lidar2img[1] * y + lidar2img[2] * z + lidar2img[3];
    double v = lidar2img[4] * x + lidar2img[5] * y + lidar2img[6] * z + lidar2img[7];
    double d = lidar2img[8] * x + lidar2img[9] * y + lidar2img[10] * z + lidar2img[11];
    return new double[] {u / d, v / d, d};
  }

  static double[] mul4(double[] a, double[] b) {
    double[] m = new double[16];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        double s = 0;
        for (int k = 0; k < 4; k++) {
          s += a[i * 4 + k] * b[k * 4 + j];
        }
        m[i * 4 + j] = s;
      }
    }
    return m;
  }
}
