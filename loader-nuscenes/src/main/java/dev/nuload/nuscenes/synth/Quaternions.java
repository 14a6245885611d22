package dev.nuload.nuscenes.synth;

/**
 * Quaternion constructors for the generator ({@code [w, x, y, z]}); products and inverses are in
 * {@link dev.nuload.nuscenes.info.Geometry}.
 */
final class Quaternions {
  private Quaternions() {}

  static double[] normalize(double[] q) {
    double n = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
    return new double[] {q[0] / n, q[1] / n, q[2] / n, q[3] / n};
  }

  /** Yaw about z, then pitch about y, then roll about x (intrinsic Z-Y-X). */
  static double[] fromYawPitchRoll(double yaw, double pitch, double roll) {
    double cy = Math.cos(yaw / 2);
    double sy = Math.sin(yaw / 2);
    double cp = Math.cos(pitch / 2);
    double sp = Math.sin(pitch / 2);
    double cr = Math.cos(roll / 2);
    double sr = Math.sin(roll / 2);
    return new double[] {
      cr * cp * cy + sr * sp * sy,
      sr * cp * cy - cr * sp * sy,
      cr * sp * cy + sr * cp * sy,
      cr * cp * sy - sr * sp * cy
    };
  }

  static double[] fromYaw(double yaw) {
    return new double[] {Math.cos(yaw / 2), 0.0, 0.0, Math.sin(yaw / 2)};
  }
}
