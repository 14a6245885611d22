package dev.nuload.nuscenes.synth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Simulates one scene: sample times, the frames of every sensor (LIDAR_TOP at 20 Hz with every
 * tenth sweep a keyframe, cameras at 12 Hz triggered as the lidar passes them, radars free-running
 * at about 13 Hz), one ego pose per frame, and annotated object tracks. Everything is drawn from
 * the scene's own random stream, so the result does not depend on which thread runs it.
 */
final class SceneSimulator {
  private SceneSimulator() {}

  /** Keyframe offset of each camera from the sample (lidar) time, microseconds (scene-0523). */
  private static long cameraOffset(String channel) {
    return switch (channel) {
      case "CAM_FRONT" -> -37_000;
      case "CAM_FRONT_RIGHT" -> -29_000;
      case "CAM_BACK_RIGHT" -> -21_000;
      case "CAM_BACK" -> -12_000;
      case "CAM_BACK_LEFT" -> -2_500;
      case "CAM_FRONT_LEFT" -> -45_000;
      default -> throw new IllegalArgumentException(channel);
    };
  }

  private static final String[] DESCRIPTIONS = {
    "ped crossing",
    "wait at intersection",
    "parked cars",
    "construction zone",
    "turn left",
    "turn right",
    "bus stop",
    "peds on sidewalk",
    "parking lot",
    "congestion",
    "overtake truck",
    "cyclists",
    "barriers",
    "traffic cones",
    "big street",
    "narrow street",
    "jaywalker",
    "lane change",
    "roundabout",
    "trucks",
    "several buses",
    "nature",
    "motorcycle",
    "following car",
    "oncoming bus",
    "loading zone",
    "pedestrians waiting"
  };

  static SceneData simulate(DatasetPlan.ScenePlan plan, boolean annotated) {
    SplittableRandom rng = new SplittableRandom(plan.seed());
    SceneData d = new SceneData(plan);
    d.token = DatasetPlan.token(rng);
    d.description = description(plan, rng);
    // Samples at 2 Hz, as many as the plan says. The draw that once chose the count stays, so the
    // rest of the scene's stream is what it was.
    rng.nextInt(4);
    int k = plan.samples();
    if (k < 2) {
      throw new IllegalArgumentException(plan.name() + ": a scene needs 2 samples, got " + k);
    }
    d.sampleTs = new long[k];
    d.sampleTokens = new String[k];
    d.sampleTs[0] = plan.startMicros();
    for (int i = 1; i < k; i++) {
      long dt = 500_000 + Math.round(6_000 * rng.nextGaussian());
      if (rng.nextDouble() < 0.08) {
        dt += rng.nextBoolean() ? 50_000 : -50_000;
      }
      d.sampleTs[i] = d.sampleTs[i - 1] + dt;
    }
    for (int i = 0; i < k; i++) {
      d.sampleTokens[i] = DatasetPlan.token(rng);
    }
    double duration = (d.sampleTs[k - 1] - d.sampleTs[0]) / 1e6;
    d.ego = new EgoTrajectory(rng, duration, plan.log().extent());
    int nch = Taxonomy.SENSORS.size();
    d.calibTokens = new String[nch];
    d.frames = new SceneData.Frames[nch];
    for (int c = 0; c < nch; c++) {
      d.calibTokens[c] = DatasetPlan.token(rng);
      String ch = Taxonomy.SENSORS.get(c).channel();
      long[] ts;
      int[] keyIndex;
      switch (Taxonomy.SENSORS.get(c).modality()) {
        case "lidar" -> {
          ts = new long[10 * (k - 1) + 1];
          keyIndex = new int[k];
          for (int i = 0; i < k; i++) {
            keyIndex[i] = 10 * i;
            ts[10 * i] = d.sampleTs[i];
            if (i + 1 < k) {
              long span = d.sampleTs[i + 1] - d.sampleTs[i];
              for (int j = 1; j < 10; j++) {
                ts[10 * i + j] = d.sampleTs[i] + span * j / 10 + rng.nextLong(-1500, 1501);
              }
            }
          }
        }
        case "camera" -> {
          long off = cameraOffset(ch) + Math.round(800 * rng.nextGaussian());
          long[] kf = new long[k];
          for (int i = 0; i < k; i++) {
            kf[i] = d.sampleTs[i] + off + rng.nextLong(-800, 801);
          }
          ts = new long[6 * (k - 1) + 1];
          keyIndex = new int[k];
          for (int i = 0; i < k; i++) {
            keyIndex[i] = 6 * i;
            ts[6 * i] = kf[i];
            if (i + 1 < k) {
              long span = kf[i + 1] - kf[i];
              for (int j = 1; j < 6; j++) {
                ts[6 * i + j] = kf[i] + span * j / 6 + rng.nextLong(-300, 301);
              }
            }
          }
        }
        default -> {
          long period = 72_000 + rng.nextLong(5_000);
          List<Long> all = new ArrayList<>();
          long t = d.sampleTs[0] + rng.nextLong(-period / 2, period / 2);
          while (t <= d.sampleTs[k - 1] + period) {
            all.add(t);
            t += period + rng.nextLong(-1500, 1501);
          }
          int[] kfi = new int[k];
          int j = 0;
          for (int i = 0; i < k; i++) {
            while (j + 1 < all.size()
                && Math.abs(all.get(j + 1) - d.sampleTs[i])
                    <= Math.abs(all.get(j) - d.sampleTs[i])) {
              j++;
            }
            kfi[i] = j;
          }
          int from = kfi[0];
          ts = new long[kfi[k - 1] - from + 1];
          for (int i = 0; i < ts.length; i++) {
            ts[i] = all.get(from + i);
          }
          keyIndex = new int[k];
          for (int i = 0; i < k; i++) {
            keyIndex[i] = kfi[i] - from;
          }
        }
      }
      d.frames[c] = frames(d, ts, keyIndex, rng);
    }
    if (annotated) {
      d.tracks = Tracks.generate(d, rng);
    } else {
      d.tracks = List.of();
    }
    return d;
  }

  private static SceneData.Frames frames(
      SceneData d, long[] ts, int[] keyIndex, SplittableRandom rng) {
    SceneData.Frames f = new SceneData.Frames(ts.length);
    System.arraycopy(ts, 0, f.ts, 0, ts.length);
    for (int i = 0; i < keyIndex.length; i++) {
      f.sample[keyIndex[i]] = i;
      f.key[keyIndex[i]] = true;
    }
    for (int i = 0; i < ts.length; i++) {
      f.tokens[i] = DatasetPlan.token(rng);
      if (!f.key[i]) {
        int s = Arrays.binarySearch(d.sampleTs, ts[i]);
        if (s < 0) {
          s = -s - 1;
        }
        f.sample[i] = Math.min(s, d.sampleTs.length - 1);
      }
      double t = d.seconds(ts[i]);
      double[] p = d.ego.at(t);
      f.egoT[i] = new double[] {p[0], p[1], 0.0};
      f.egoQ[i] = d.ego.rotation(t, p);
    }
    return f;
  }

  private static String description(DatasetPlan.ScenePlan plan, SplittableRandom rng) {
    List<String> parts = new ArrayList<>();
    if (plan.log().localHour() >= 19) {
      parts.add("night");
    }
    if (plan.log().rainy()) {
      parts.add("rain");
    }
    int n = 2 + rng.nextInt(3);
    while (n > 0) {
      String p = DESCRIPTIONS[rng.nextInt(DESCRIPTIONS.length)];
      if (!parts.contains(p)) {
        parts.add(p);
        n--;
      }
    }
    String s = String.join(", ", parts);
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
