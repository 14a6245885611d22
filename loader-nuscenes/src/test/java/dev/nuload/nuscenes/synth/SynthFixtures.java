package dev.nuload.nuscenes.synth;

import dev.nuload.nuscenes.geom.RigidTransform;
import java.util.ArrayList;
import java.util.List;

/** Frames with real nuScenes calibrations (scene-0061 CAM_FRONT, LIDAR_TOP, RADAR_FRONT). */
final class SynthFixtures {
  static final double[] CAM_FRONT_K = {
    1266.417203046554, 0, 816.2670197447984, 0, 1266.417203046554, 491.50706579294757, 0, 0, 1
  };
  static final RigidTransform CAM_FRONT_TO_EGO =
      RigidTransform.of(
          new double[] {
            0.4998015430569128, -0.5030316162024876, 0.4997798114386805, -0.49737083824542755
          },
          new double[] {1.70079118954, 0.0159456324149, 1.51095763913});
  static final RigidTransform LIDAR_TO_EGO =
      RigidTransform.of(
          new double[] {
            0.7077955119163518, -0.006492242056004365, 0.010646214713995808, -0.7063073142877817
          },
          new double[] {0.943713, 0.0, 1.84023});
  static final RigidTransform RADAR_FRONT_TO_EGO =
      RigidTransform.of(
          new double[] {0.9999984769132877, 0.0, 0.0, 0.0017453283658983088},
          new double[] {3.412, 0.0, 0.5});

  private SynthFixtures() {}

  /** Ego at (400, 1100) heading along global +x (yaw 0). */
  static RigidTransform egoToGlobal(double x) {
    return RigidTransform.of(new double[] {1, 0, 0, 0}, new double[] {400 + x, 1100, 0});
  }

  static SensorFrames.Box car(double gx, double gy, double yaw) {
    return new SensorFrames.Box(
        "vehicle.car",
        new double[] {gx, gy, 0.8},
        new double[] {1.9, 4.5, 1.6},
        new double[] {Math.cos(yaw / 2), 0, 0, Math.sin(yaw / 2)});
  }

  static List<SensorFrames.Box> street() {
    List<SensorFrames.Box> boxes = new ArrayList<>();
    boxes.add(car(415, 1100, 0.05));
    boxes.add(car(430, 1103.5, 0));
    boxes.add(car(412, 1096.5, Math.PI));
    boxes.add(
        new SensorFrames.Box(
            "vehicle.bus.rigid",
            new double[] {445, 1096.5, 1.6},
            new double[] {2.9, 11, 3.2},
            new double[] {1, 0, 0, 0}));
    boxes.add(
        new SensorFrames.Box(
            "human.pedestrian.adult",
            new double[] {418, 1106, 0.9},
            new double[] {0.6, 0.7, 1.8},
            new double[] {1, 0, 0, 0}));
    boxes.add(
        new SensorFrames.Box(
            "movable_object.trafficcone",
            new double[] {410, 1102, 0.35},
            new double[] {0.4, 0.4, 0.7},
            new double[] {1, 0, 0, 0}));
    return boxes;
  }

  static SensorFrames.CameraFrame camera(List<SensorFrames.Box> boxes, double x, long frameSeed) {
    return new SensorFrames.CameraFrame(
        "CAM_FRONT",
        1600,
        900,
        CAM_FRONT_K,
        CAM_FRONT_TO_EGO.then(egoToGlobal(x)),
        boxes,
        42L,
        frameSeed);
  }

  static SensorFrames.LidarFrame lidar(List<SensorFrames.Box> boxes, int points) {
    return new SensorFrames.LidarFrame(LIDAR_TO_EGO.then(egoToGlobal(0)), boxes, points, 7L);
  }

  static SensorFrames.RadarFrame radar(List<SensorFrames.Box> boxes) {
    return new SensorFrames.RadarFrame(
        "RADAR_FRONT", RADAR_FRONT_TO_EGO.then(egoToGlobal(0)), boxes, 9L);
  }
}
