package dev.nuload.nuscenes.synth;

/** Small quaternion helpers ({@code [w, x, y, z]}, Hamilton product). */
final class Quaternions {
  private Quaternions() {}

  static double[] multiply(double[] a, double[] b) {
    return new double[] {
      a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
      a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
      a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
      a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0]
    };
  }

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
