package dev.nuload.nuscenes.info;

/**
 * The PETR camera-sweep matrices of spec 2.5.3, derived from {@code K}, {@code R_s2l} and {@code
 * t_s2l} (all row-major). Info files store only the inputs; readers derive these the same way (the
 * Python loader with numpy exactly as {@code generate_sweep_pkl.py} does).
 */
public final class PetrMatrices {
  private PetrMatrices() {}

  /**
   * Returns {@code K4}: the 4x4 identity with K in the top-left 3x3 ("intrinsics").
   *
   * @param k row-major 3x3.
   * @return row-major 4x4.
   */
  public static double[] intrinsics(double[] k) {
    double[] m = identity4();
    for (int r = 0; r < 3; r++) {
      System.arraycopy(k, r * 3, m, r * 4, 3);
    }
    return m;
  }

  /**
   * Returns {@code E = T_l2c^T} ("extrinsics", the transposed lidar-to-camera transform).
   *
   * @param rs2l row-major 3x3 sensor-to-lidar rotation.
   * @param ts2l sensor-to-lidar translation (3).
   * @return row-major 4x4.
   */
  public static double[] extrinsics(double[] rs2l, double[] ts2l) {
    return transpose4(lidarToCamera(rs2l, ts2l));
  }

  /**
   * Returns {@code lidar2img = K4 * T_l2c}.
   *
   * @param k row-major 3x3 camera matrix.
   * @param rs2l row-major 3x3 sensor-to-lidar rotation.
   * @param ts2l sensor-to-lidar translation (3).
   * @return row-major 4x4.
   */
  public static double[] lidar2img(double[] k, double[] rs2l, double[] ts2l) {
    double[] a = intrinsics(k);
    double[] b = lidarToCamera(rs2l, ts2l);
    double[] m = new double[16];
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        double s = 0;
        for (int i = 0; i < 4; i++) {
          s += a[r * 4 + i] * b[i * 4 + c];
        }
        m[r * 4 + c] = s;
      }
    }
    return m;
  }

  /** {@code T_l2c = [[R_l2c, -R_l2c t_s2l], [0 0 0 1]]} with {@code R_l2c = inv(R_s2l)}. */
  static double[] lidarToCamera(double[] rs2l, double[] ts2l) {
    double[] r = inverse3(rs2l);
    double[] m = identity4();
    for (int i = 0; i < 3; i++) {
      double t = 0;
      for (int j = 0; j < 3; j++) {
        m[i * 4 + j] = r[i * 3 + j];
        t += r[i * 3 + j] * ts2l[j];
      }
      m[i * 4 + 3] = -t;
    }
    return m;
  }

  static double[] inverse3(double[] a) {
    double c00 = a[4] * a[8] - a[5] * a[7];
    double c01 = a[5] * a[6] - a[3] * a[8];
    double c02 = a[3] * a[7] - a[4] * a[6];
    double det = a[0] * c00 + a[1] * c01 + a[2] * c02;
    double[] r = new double[9];
    r[0] = c00 / det;
    r[1] = (a[2] * a[7] - a[1] * a[8]) / det;
    r[2] = (a[1] * a[5] - a[2] * a[4]) / det;
    r[3] = c01 / det;
    r[4] = (a[0] * a[8] - a[2] * a[6]) / det;
    r[5] = (a[2] * a[3] - a[0] * a[5]) / det;
    r[6] = c02 / det;
    r[7] = (a[1] * a[6] - a[0] * a[7]) / det;
    r[8] = (a[0] * a[4] - a[1] * a[3]) / det;
    return r;
  }

  private static double[] identity4() {
    double[] m = new double[16];
    m[0] = m[5] = m[10] = m[15] = 1;
    return m;
  }

  private static double[] transpose4(double[] a) {
    double[] m = new double[16];
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        m[c * 4 + r] = a[r * 4 + c];
      }
    }
    return m;
  }
}
