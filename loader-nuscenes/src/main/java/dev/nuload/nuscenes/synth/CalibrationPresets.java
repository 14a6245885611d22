package dev.nuload.nuscenes.synth;

import dev.nuload.nuscenes.info.Geometry;
import java.util.SplittableRandom;

/**
 * Sensor calibrations of the synthetic vehicles. The basis is the real calibration of scene-0523
 * (vehicle n008, nuScenes v1.0-trainval; nuScenes data (c) Motional, CC BY-NC-SA 4.0): the 6-camera
 * ring, LIDAR_TOP and the 5 radars. Each synthetic log perturbs it slightly (millimetres, tenths of
 * a degree, a few pixels), as if the rig had been recalibrated.
 */
public final class CalibrationPresets {
  private CalibrationPresets() {}

  /**
   * One sensor's calibration.
   *
   * @param translation sensor origin in the ego frame (metres).
   * @param rotation sensor-to-ego unit quaternion {@code [w, x, y, z]}.
   * @param intrinsic 3x3 camera matrix rows, or {@code null} for lidar and radar.
   */
  public record Calibration(double[] translation, double[] rotation, double[][] intrinsic) {}

  private static double[][] k(double f, double cx, double cy) {
    return new double[][] {{f, 0.0, cx}, {0.0, f, cy}, {0.0, 0.0, 1.0}};
  }

  private static Calibration cal(double[] t, double[] q, double[][] k) {
    return new Calibration(t, q, k);
  }

  /**
   * Returns the real scene-0523 calibration of a channel.
   *
   * @param channel e.g. {@code CAM_FRONT}.
   * @return the calibration.
   */
  public static Calibration base(String channel) {
    return switch (channel) {
      case "RADAR_FRONT" ->
          cal(
              new double[] {3.412, 0.0, 0.5},
              new double[] {0.9999974259839071, 0.0, 0.0, -0.0022689260808398757},
              null);
      case "RADAR_FRONT_LEFT" ->
          cal(
              new double[] {2.422, 0.8, 0.78},
              new double[] {0.7028982997921758, 0.0, 0.0, 0.7112903627557937},
              null);
      case "RADAR_FRONT_RIGHT" ->
          cal(
              new double[] {2.422, -0.8, 0.77},
              new double[] {0.7087093341000862, 0.0, 0.0, -0.7055005880645404},
              null);
      case "RADAR_BACK_LEFT" ->
          cal(
              new double[] {-0.562, 0.628, 0.53},
              new double[] {0.0458860416542946, 0.0, 0.0, 0.9989466808500344},
              null);
      case "RADAR_BACK_RIGHT" ->
          cal(
              new double[] {-0.562, -0.618, 0.53},
              new double[] {0.04361938736533623, 0.0, 0.0, -0.9990482215818578},
              null);
      case "LIDAR_TOP" ->
          cal(
              new double[] {0.985793, 0.0, 1.84019},
              new double[] {
                0.706749235646644, -0.015300993788500868, 0.01739745181256607, -0.7070846669051719
              },
              null);
      case "CAM_FRONT" ->
          cal(
              new double[] {1.72200568478, 0.00475453292289, 1.49491291905},
              new double[] {
                0.5077241387638071, -0.4973392230703816, 0.49837167536166627, -0.4964832014373754
              },
              k(1252.8131021185304, 826.588114781398, 469.9846626224581));
      case "CAM_FRONT_RIGHT" ->
          cal(
              new double[] {1.58082565783, -0.499078711449, 1.51749368405},
              new double[] {
                0.20335173766558642, -0.19146333228946724, 0.6785710044972951, -0.6793609166212989
              },
              k(1256.7485116440405, 817.7887570959712, 451.9541780095127));
      case "CAM_BACK_RIGHT" ->
          cal(
              new double[] {1.05945173053, -0.46720294852, 1.55050857555},
              new double[] {
                0.13819187705364147, -0.13796718183628456, -0.6893329941542625, 0.697630335509333
              },
              k(1249.9629280788233, 825.3768045375984, 462.54816385708756));
      case "CAM_BACK" ->
          cal(
              new double[] {0.05524611077, 0.0107882366898, 1.56794286957},
              new double[] {
                0.5067997344989889, -0.4977567019405021, -0.4987849934090844, 0.496594225837321
              },
              k(796.8910634503094, 857.7774326863696, 476.8848988407415));
      case "CAM_BACK_LEFT" ->
          cal(
              new double[] {1.04852047718, 0.483058131052, 1.56210154484},
              new double[] {
                0.7048620297871717, -0.6907306801461466, -0.11209091960167808, 0.11617345743327073
              },
              k(1254.9860565800168, 829.5769333630991, 467.1680561863987));
      case "CAM_FRONT_LEFT" ->
          cal(
              new double[] {1.5752559464, 0.500519383135, 1.50696032589},
              new double[] {
                0.6812088525125634, -0.6687507165046241, 0.2101702448905517, -0.21108161122114324
              },
              k(1257.8625342125129, 827.2410631095686, 450.915498205774));
      default -> throw new IllegalArgumentException("unknown channel '" + channel + "'");
    };
  }

  /**
   * Returns a slightly perturbed copy of the base calibration, as for one log's vehicle.
   *
   * @param channel the sensor channel.
   * @param rng source of the perturbation.
   * @return a calibration with a unit quaternion.
   */
  public static Calibration perturbed(String channel, SplittableRandom rng) {
    Calibration b = base(channel);
    boolean radar = channel.startsWith("RADAR");
    double[] t = b.translation().clone();
    for (int i = 0; i < 3; i++) {
      t[i] += 0.004 * gauss(rng);
      if (radar) {
        t[i] = Math.round(t[i] * 1000) / 1000.0;
      }
    }
    double[] q;
    if (radar) {
      // Real radar calibrations are pure yaw rotations.
      double yaw = 2 * Math.atan2(b.rotation()[3], b.rotation()[0]) + 0.002 * gauss(rng);
      q = new double[] {Math.cos(yaw / 2), 0.0, 0.0, Math.sin(yaw / 2)};
    } else {
      double[] d = {1, 0.001 * gauss(rng), 0.001 * gauss(rng), 0.001 * gauss(rng)};
      q = Quaternions.normalize(Geometry.quatMultiply(b.rotation(), d));
    }
    double[][] kk = null;
    if (b.intrinsic() != null) {
      double f = b.intrinsic()[0][0] * (1 + 0.002 * gauss(rng));
      kk = k(f, b.intrinsic()[0][2] + 2 * gauss(rng), b.intrinsic()[1][2] + 2 * gauss(rng));
    }
    return new Calibration(t, q, kk);
  }

  static double gauss(SplittableRandom rng) {
    return rng.nextGaussian();
  }
}
