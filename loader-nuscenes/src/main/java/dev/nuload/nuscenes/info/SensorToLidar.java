package dev.nuload.nuscenes.info;

import static dev.nuload.nuscenes.info.Geometry.inverse3;
import static dev.nuload.nuscenes.info.Geometry.mul3;
import static dev.nuload.nuscenes.info.Geometry.rowTimes;
import static dev.nuload.nuscenes.info.Geometry.transpose3;

/**
 * The "sensor → ego → global → ego' → reference lidar" transform of spec 2.5.1 for one reference
 * keyframe LIDAR_TOP, evaluated with the same row-vector operations, in the same order, as the
 * Python {@code obtain_sensor2top} (and PETR's inlined copy in {@code add_frame}):
 *
 * <pre>
 * M = inv(R_e2g)ᵀ · inv(R_l2e)ᵀ
 * R = (R_s2eᵀ · R_e2g^sᵀ) · M            R_s2l = Rᵀ
 * T = (t_s2e · R_e2g^sᵀ + t_e2g^s) · M − (t_e2g · M + t_l2e · inv(R_l2e)ᵀ)
 * </pre>
 *
 * The reference part ({@code M} and the subtrahend) is computed once per sample. Immutable.
 */
public final class SensorToLidar {
  private final double[] m;
  private final double[] refOffset;
  private final double[] invEgoToGlobalT;
  private final double[] invLidarToEgoT;

  /**
   * Prepares the transform towards one reference lidar.
   *
   * @param lidar2egoRotation reference lidar calibration quaternion (w, x, y, z).
   * @param lidar2egoTranslation reference lidar calibration translation.
   * @param ego2globalRotation ego pose quaternion at the reference lidar time.
   * @param ego2globalTranslation ego pose translation at the reference lidar time.
   */
  public SensorToLidar(
      double[] lidar2egoRotation,
      double[] lidar2egoTranslation,
      double[] ego2globalRotation,
      double[] ego2globalTranslation) {
    invLidarToEgoT = transpose3(inverse3(Geometry.rotation(lidar2egoRotation)));
    invEgoToGlobalT = transpose3(inverse3(Geometry.rotation(ego2globalRotation)));
    m = mul3(invEgoToGlobalT, invLidarToEgoT);
    double[] a = rowTimes(ego2globalTranslation, m);
    double[] b = rowTimes(lidar2egoTranslation, invLidarToEgoT);
    refOffset = new double[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]};
  }

  /**
   * Returns {@code R_s2l}, the sensor → reference lidar rotation (column convention).
   *
   * @param sensor2egoRotation calibrated_sensor quaternion of the sensor.
   * @param ego2globalRotation ego pose quaternion at the sensor's time.
   * @return 3x3 row-major.
   */
  public double[] rotation(double[] sensor2egoRotation, double[] ego2globalRotation) {
    double[] rs2e = Geometry.rotation(sensor2egoRotation);
    double[] re2g = Geometry.rotation(ego2globalRotation);
    return rotationFromMatrices(rs2e, re2g);
  }

  /**
   * Returns {@code t_s2l}, the sensor origin in the reference lidar frame.
   *
   * @param sensor2egoTranslation calibrated_sensor translation of the sensor.
   * @param ego2globalRotation ego pose quaternion at the sensor's time.
   * @param ego2globalTranslation ego pose translation at the sensor's time.
   * @return 3 values.
   */
  public double[] translation(
      double[] sensor2egoTranslation, double[] ego2globalRotation, double[] ego2globalTranslation) {
    return translationFromMatrix(
        sensor2egoTranslation, Geometry.rotation(ego2globalRotation), ego2globalTranslation);
  }

  double[] rotationFromMatrices(double[] rs2e, double[] re2g) {
    double[] r = mul3(mul3(transpose3(rs2e), transpose3(re2g)), m);
    return transpose3(r);
  }

  double[] translationFromMatrix(double[] ts2e, double[] re2g, double[] te2g) {
    double[] u = rowTimes(ts2e, transpose3(re2g));
    double[] v = rowTimes(new double[] {u[0] + te2g[0], u[1] + te2g[1], u[2] + te2g[2]}, m);
    return new double[] {v[0] - refOffset[0], v[1] - refOffset[1], v[2] - refOffset[2]};
  }

  /**
   * Rotates a global-frame velocity into the reference lidar frame as the converter does: {@code
   * ([vx, vy, 0] · inv(R_e2g)ᵀ) · inv(R_l2e)ᵀ}, keeping x and y. NaN components stay NaN.
   *
   * @param vx global x velocity.
   * @param vy global y velocity.
   * @return 2 values.
   */
  public double[] velocity(double vx, double vy) {
    double[] v = rowTimes(rowTimes(new double[] {vx, vy, 0.0}, invEgoToGlobalT), invLidarToEgoT);
    return new double[] {v[0], v[1]};
  }

  /**
   * Returns {@code K4}: the 4x4 identity with a 3x3 camera matrix in its top-left block (spec
   * 2.5.3, PETR "intrinsics").
   *
   * @param k 3x3 row-major.
   * @return 4x4 row-major.
   */
  public static double[] viewpad(double[] k) {
    return new double[] {k[0], k[1], k[2], 0, k[3], k[4], k[5], 0, k[6], k[7], k[8], 0, 0, 0, 0, 1};
  }

  /**
   * Returns PETR's "extrinsics" {@code E = T_l2cᵀ} (spec 2.5.3): {@code R_l2c = inv(R_s2l)}, {@code
   * E[0:3,0:3] = R_l2cᵀ}, {@code E[3,0:3] = −(t_s2l · R_l2cᵀ)}, {@code E[3,3] = 1}.
   *
   * @param sensor2lidarRotation {@code R_s2l}, 3x3 row-major.
   * @param sensor2lidarTranslation {@code t_s2l}.
   * @return 4x4 row-major (the transposed lidar → camera matrix).
   */
  public static double[] extrinsics(
      double[] sensor2lidarRotation, double[] sensor2lidarTranslation) {
    double[] rl2c = inverse3(sensor2lidarRotation);
    double[] lt = rowTimes(sensor2lidarTranslation, transpose3(rl2c));
    return new double[] {
      rl2c[0], rl2c[3], rl2c[6], 0,
      rl2c[1], rl2c[4], rl2c[7], 0,
      rl2c[2], rl2c[5], rl2c[8], 0,
      -lt[0], -lt[1], -lt[2], 1
    };
  }

  /**
   * Returns {@code lidar2img = K4 · Eᵀ} (column convention, spec 2.5.3).
   *
   * @param viewpad {@code K4}, 4x4 row-major.
   * @param extrinsics {@code E}, 4x4 row-major.
   * @return 4x4 row-major.
   */
  public static double[] lidar2img(double[] viewpad, double[] extrinsics) {
    return Geometry.mul4(viewpad, Geometry.transpose4(extrinsics));
  }
}
