package dev.nuload.nuscenes.synth;

import java.util.SplittableRandom;

/**
 * A smooth planar ego trajectory for one scene: a speed profile (cruising, slowing, starting from a
 * stop, or standing still) and a curvature profile over arc length (gentle road bends plus an
 * optional 90 degree turn), integrated on a 10 ms grid. Poses between grid points are linear
 * interpolations; z is always 0 and pitch and roll are tiny oscillations.
 */
final class EgoTrajectory {
  private static final double STEP = 0.01;
  private static final double MARGIN = 1.0;

  private final double[] x;
  private final double[] y;
  private final double[] yaw;
  private final double[] speed;
  private final double pitchPhase;
  private final double rollPhase;

  EgoTrajectory(SplittableRandom rng, double durationSec, double[] extent) {
    int n = (int) Math.ceil((durationSec + 2 * MARGIN) / STEP) + 2;
    x = new double[n];
    y = new double[n];
    yaw = new double[n];
    speed = new double[n];
    double kind = rng.nextDouble();
    boolean stopped = kind < 0.1;
    boolean startFromStop = !stopped && kind < 0.25;
    boolean turn = rng.nextDouble() < 0.35;
    double v0 = turn ? 3 + 4 * rng.nextDouble() : 4 + 8 * rng.nextDouble();
    double a1 = 0.5 + rng.nextDouble() * 1.5;
    double p1 = 8 + rng.nextDouble() * 12;
    double ph1 = rng.nextDouble() * 2 * Math.PI;
    double tStart = rng.nextDouble() * durationSec * 0.6;
    double turnRadius = 12 + rng.nextDouble() * 20;
    double turnSign = rng.nextBoolean() ? 1 : -1;
    double turnLength = turnRadius * Math.PI; // the bump averages 1/(2R), so pi/2 in total
    double expectedDistance = v0 * durationSec;
    double turnAt = rng.nextDouble() * Math.max(1, expectedDistance - turnLength * 0.5);
    double bend = 0.002 * rng.nextGaussian();
    double bendAmp = 0.003 * rng.nextDouble();
    double bendPhase = rng.nextDouble() * 2 * Math.PI;
    pitchPhase = rng.nextDouble() * 2 * Math.PI;
    rollPhase = rng.nextDouble() * 2 * Math.PI;
    double px = extent[0] + rng.nextDouble() * (extent[2] - extent[0]);
    double py = extent[1] + rng.nextDouble() * (extent[3] - extent[1]);
    double heading = rng.nextDouble() * 2 * Math.PI - Math.PI;
    double s = 0;
    for (int i = 0; i < n; i++) {
      double t = i * STEP - MARGIN;
      double v;
      if (stopped) {
        v = 0.02 * (1 + Math.sin(t * 0.3 + ph1));
      } else {
        v = v0 + a1 * Math.sin(2 * Math.PI * t / p1 + ph1);
        if (startFromStop) {
          double r = Math.clamp((t - tStart) / 4.0, 0.0, 1.0);
          v *= r * r * (3 - 2 * r);
        }
        v = Math.max(0, v);
      }
      x[i] = px;
      y[i] = py;
      yaw[i] = wrap(heading);
      speed[i] = v;
      double kappa = bend + bendAmp * Math.sin(s / 60 + bendPhase);
      if (turn && s >= turnAt && s <= turnAt + turnLength) {
        double u = Math.sin(Math.PI * (s - turnAt) / turnLength);
        kappa += turnSign * u * u / turnRadius;
      }
      double ds = v * STEP;
      px += ds * Math.cos(heading);
      py += ds * Math.sin(heading);
      heading += kappa * ds;
      s += ds;
    }
  }

  private static double wrap(double a) {
    return Math.atan2(Math.sin(a), Math.cos(a));
  }

  /**
   * Returns {x, y, yaw, speed} at a time.
   *
   * @param t seconds since the first sample.
   * @return the pose.
   */
  double[] at(double t) {
    double f = (t + MARGIN) / STEP;
    int i = Math.clamp((long) Math.floor(f), 0, x.length - 2);
    double a = Math.clamp(f - i, 0.0, 1.0);
    double dyaw = wrap(yaw[i + 1] - yaw[i]);
    return new double[] {
      x[i] + a * (x[i + 1] - x[i]),
      y[i] + a * (y[i + 1] - y[i]),
      wrap(yaw[i] + a * dyaw),
      speed[i] + a * (speed[i + 1] - speed[i])
    };
  }

  /**
   * Returns the ego-to-global rotation at a time (yaw plus tiny pitch and roll).
   *
   * @param t seconds since the first sample.
   * @param pose the result of {@link #at(double)} for the same time.
   * @return unit quaternion {@code [w, x, y, z]}.
   */
  double[] rotation(double t, double[] pose) {
    double pitch = 0.003 * Math.sin(0.9 * t + pitchPhase) + 0.001 * Math.sin(3.1 * t);
    double roll = 0.002 * Math.sin(0.7 * t + rollPhase);
    return Quaternions.fromYawPitchRoll(pose[2], pitch, roll);
  }
}
