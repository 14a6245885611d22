package dev.nuload.nuscenes.synth;

import dev.nuload.nuscenes.geom.RigidTransform;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link SensorFrames} records of a scene's frames: sensor-to-global from the frame's
 * ego pose and the sensor calibration, and the boxes of the tracks alive near the ego vehicle at
 * the frame's time (positions evaluated from the tracks' motion, so they agree with the annotations
 * at keyframes).
 */
final class SensorFrameFactory {
  private static final double BOX_RANGE = 80;

  private SensorFrameFactory() {}

  static RigidTransform sensorToGlobal(SceneData d, int channel, int i) {
    SceneData.Frames f = d.frames[channel];
    CalibrationPresets.Calibration cal = d.plan.log().calibrations()[channel];
    RigidTransform sensorToEgo = RigidTransform.of(cal.rotation(), cal.translation());
    RigidTransform egoToGlobal = RigidTransform.of(f.egoQ[i], f.egoT[i]);
    return sensorToEgo.then(egoToGlobal);
  }

  static List<SensorFrames.Box> boxes(SceneData d, long ts) {
    double t = d.seconds(ts);
    double[] e = d.ego.at(t);
    List<SensorFrames.Box> out = new ArrayList<>();
    for (Tracks.Track tr : d.tracks) {
      double t0 = d.seconds(d.sampleTs[tr.first]) - 0.25;
      double t1 = d.seconds(d.sampleTs[tr.last]) + 0.25;
      if (t < t0 || t > t1) {
        continue;
      }
      double[] c = tr.center(t);
      if (Math.hypot(c[0] - e[0], c[1] - e[1]) > BOX_RANGE) {
        continue;
      }
      out.add(
          new SensorFrames.Box(
              Taxonomy.CATEGORIES.get(tr.category).name(), c, tr.size.clone(), tr.rotation()));
    }
    return out;
  }

  static long sceneSeed(SceneData d) {
    return d.plan.seed();
  }

  static long frameSeed(SceneData d, int channel, int i) {
    return DatasetPlan.mix(d.plan.seed(), 1_000_000L * (channel + 1) + i);
  }

  static SensorFrames.CameraFrame camera(SceneData d, int channel, int i) {
    double[][] k = d.plan.log().calibrations()[channel].intrinsic();
    double[] k9 = {k[0][0], k[0][1], k[0][2], k[1][0], k[1][1], k[1][2], k[2][0], k[2][1], k[2][2]};
    return new SensorFrames.CameraFrame(
        Taxonomy.SENSORS.get(channel).channel(),
        1600,
        900,
        k9,
        sensorToGlobal(d, channel, i),
        boxes(d, d.frames[channel].ts[i]),
        sceneSeed(d),
        frameSeed(d, channel, i));
  }

  static SensorFrames.LidarFrame lidar(SceneData d, int channel, int i, int points) {
    long seed = frameSeed(d, channel, i);
    int n = Math.max(1, points - (int) Math.floorMod(seed, Math.max(1, points / 30)));
    return new SensorFrames.LidarFrame(
        sensorToGlobal(d, channel, i), boxes(d, d.frames[channel].ts[i]), n, seed);
  }

  static SensorFrames.RadarFrame radar(SceneData d, int channel, int i) {
    return new SensorFrames.RadarFrame(
        Taxonomy.SENSORS.get(channel).channel(),
        sensorToGlobal(d, channel, i),
        boxes(d, d.frames[channel].ts[i]),
        frameSeed(d, channel, i));
  }
}
