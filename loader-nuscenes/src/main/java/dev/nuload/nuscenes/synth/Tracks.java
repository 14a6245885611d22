package dev.nuload.nuscenes.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Annotated object tracks of a scene. Every scene holds at least one instance of each of the 23
 * categories plus common ones drawn by their real frequencies. Objects are placed near the ego path
 * (parked along the kerb, driving in lanes, walking or crossing), move with constant heading and a
 * speed profile, and are annotated on the contiguous run of samples where they are within range
 * (optionally cut, as when an object gets occluded), so tracks start and end mid-scene.
 */
final class Tracks {
  private Tracks() {}

  enum Group {
    VEHICLE,
    CYCLE,
    PED,
    OBJECT,
    ANIMAL
  }

  /**
   * Per-category template: group, mean size (w, l, h), probability of moving, speed range, weight.
   */
  record Kind(
      String name,
      Group group,
      double w,
      double l,
      double h,
      double moving,
      double vMin,
      double vMax,
      double weight) {}

  static final List<Kind> KINDS =
      List.of(
          new Kind("animal", Group.ANIMAL, 0.36, 0.73, 0.51, 0.5, 0.5, 2.0, 0.001),
          new Kind("human.pedestrian.adult", Group.PED, 0.67, 0.73, 1.77, 0.6, 0.8, 1.7, 0.19),
          new Kind("human.pedestrian.child", Group.PED, 0.51, 0.53, 1.38, 0.6, 0.6, 1.5, 0.003),
          new Kind(
              "human.pedestrian.construction_worker",
              Group.PED,
              0.72,
              0.71,
              1.74,
              0.3,
              0.4,
              1.2,
              0.015),
          new Kind(
              "human.pedestrian.personal_mobility",
              Group.PED,
              0.62,
              1.20,
              1.70,
              0.8,
              2.0,
              4.0,
              0.002),
          new Kind(
              "human.pedestrian.police_officer", Group.PED, 0.74, 0.73, 1.81, 0.4, 0.5, 1.4, 0.002),
          new Kind("human.pedestrian.stroller", Group.PED, 0.62, 0.96, 1.17, 0.7, 0.6, 1.3, 0.002),
          new Kind(
              "human.pedestrian.wheelchair", Group.PED, 0.77, 1.09, 1.37, 0.7, 0.6, 1.3, 0.001),
          new Kind("movable_object.barrier", Group.OBJECT, 2.53, 0.50, 0.98, 0, 0, 0, 0.13),
          new Kind("movable_object.debris", Group.OBJECT, 0.63, 1.14, 0.71, 0, 0, 0, 0.004),
          new Kind(
              "movable_object.pushable_pullable",
              Group.OBJECT,
              0.60,
              0.67,
              1.07,
              0.1,
              0.5,
              1.2,
              0.02),
          new Kind("movable_object.trafficcone", Group.OBJECT, 0.41, 0.41, 1.07, 0, 0, 0, 0.08),
          new Kind("static_object.bicycle_rack", Group.OBJECT, 2.6, 4.3, 1.3, 0, 0, 0, 0.004),
          new Kind("vehicle.bicycle", Group.CYCLE, 0.60, 1.70, 1.28, 0.5, 2.5, 6.0, 0.012),
          new Kind("vehicle.bus.bendy", Group.VEHICLE, 2.94, 10.5, 3.47, 0.6, 3.0, 10.0, 0.002),
          new Kind("vehicle.bus.rigid", Group.VEHICLE, 2.95, 11.2, 3.44, 0.6, 3.0, 10.0, 0.012),
          new Kind("vehicle.car", Group.VEHICLE, 1.95, 4.62, 1.73, 0.5, 3.0, 13.0, 0.40),
          new Kind("vehicle.construction", Group.VEHICLE, 2.85, 6.37, 3.19, 0.1, 0.5, 2.0, 0.01),
          new Kind(
              "vehicle.emergency.ambulance",
              Group.VEHICLE,
              2.29,
              6.06,
              2.60,
              0.6,
              4.0,
              13.0,
              0.001),
          new Kind(
              "vehicle.emergency.police", Group.VEHICLE, 2.03, 5.05, 1.79, 0.6, 4.0, 13.0, 0.002),
          new Kind("vehicle.motorcycle", Group.CYCLE, 0.77, 2.11, 1.47, 0.5, 4.0, 12.0, 0.012),
          new Kind("vehicle.trailer", Group.VEHICLE, 2.90, 12.3, 3.87, 0.1, 3.0, 9.0, 0.01),
          new Kind("vehicle.truck", Group.VEHICLE, 2.51, 6.93, 2.84, 0.4, 3.0, 10.0, 0.06));

  /** One instance and its annotations (index 0 = sample {@code first}). */
  static final class Track {
    String token;
    Kind kind;
    int category;
    double[] size;
    double z;
    double x0;
    double y0;
    double heading;
    double vMax;
    double tau;
    double rampStart = Double.NaN;
    boolean moving;
    boolean seated;
    int first;
    int last;
    String[] annTokens;
    int[] visibility;
    int[] lidarPts;
    int[] radarPts;
    String[] attribute;

    /** Distance travelled since time 0 (before speed scaling), seconds in, metres out. */
    private double g(double t) {
      if (!moving) {
        return 0;
      }
      if (Double.isNaN(rampStart)) {
        return vMax * t;
      }
      double u = t - rampStart;
      if (u <= 0) {
        return 0;
      }
      return u < 3 ? vMax * u * u / 6 : vMax * (1.5 + (u - 3));
    }

    double speed(double t) {
      if (!moving) {
        return 0;
      }
      if (Double.isNaN(rampStart)) {
        return vMax;
      }
      return vMax * Math.clamp((t - rampStart) / 3, 0.0, 1.0);
    }

    /** Box centre {x, y, z} in the global frame at time t (seconds since the first sample). */
    double[] center(double t) {
      double s = g(t) - g(tau);
      return new double[] {
        round3(x0 + s * Math.cos(heading)), round3(y0 + s * Math.sin(heading)), round3(z)
      };
    }

    double[] rotation() {
      return Quaternions.fromYaw(heading);
    }
  }

  static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  static List<Track> generate(SceneData d, SplittableRandom rng) {
    List<Kind> kinds = new ArrayList<>(KINDS);
    int extra = 40 + rng.nextInt(30);
    double total = KINDS.stream().mapToDouble(Kind::weight).sum();
    for (int i = 0; i < extra; i++) {
      double u = rng.nextDouble() * total;
      for (Kind k : KINDS) {
        u -= k.weight();
        if (u <= 0) {
          kinds.add(k);
          break;
        }
      }
    }
    boolean leftHand = d.plan.log().location().startsWith("singapore");
    List<Track> tracks = new ArrayList<>();
    for (Kind k : kinds) {
      tracks.add(place(d, k, leftHand, rng));
    }
    // Shuffle so instance order is not grouped by category (Fisher-Yates on the scene stream).
    for (int i = tracks.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      Track t = tracks.get(i);
      tracks.set(i, tracks.get(j));
      tracks.set(j, t);
    }
    for (Track t : tracks) {
      annotate(d, t, rng);
    }
    return tracks;
  }

  private static double pm(SplittableRandom rng, double lo, double hi) {
    double v = lo + rng.nextDouble() * (hi - lo);
    return rng.nextBoolean() ? v : -v;
  }

  /** Ego body in the ego frame (origin at the rear axle): x from -1.0 to 3.3 m, y within 1.0 m. */
  static final double EGO_REAR = -1.0;

  static final double EGO_FRONT = 3.3;

  static final double EGO_HALF_WIDTH = 1.0;

  /** Minimum gap kept between any object and the ego body, metres. */
  static final double CLEARANCE = 1.0;

  /**
   * Places an object so that it never overlaps the ego vehicle during the scene (real annotations
   * never do): a placement that would is redrawn, further to the side after ten tries.
   */
  private static Track place(SceneData d, Kind k, boolean leftHand, SplittableRandom rng) {
    for (int attempt = 0; attempt < 100; attempt++) {
      double extraLateral = attempt < 10 ? 0 : (attempt - 9) * 3.0;
      Track t = placeOnce(d, k, leftHand, rng, extraLateral);
      if (clearOfEgo(d, t)) {
        return t;
      }
    }
    throw new IllegalStateException("no placement clear of the ego path for " + k.name());
  }

  /**
   * Returns whether the object's footprint, grown by {@link #CLEARANCE}, stays off the ego body
   * from half a second before the first sample to half a second after the last, in 0.1 s steps
   * (separating-axis test of two rectangles).
   */
  static boolean clearOfEgo(SceneData d, Track t) {
    double end = d.seconds(d.sampleTs[d.sampleTs.length - 1]) + 0.5;
    double halfL = t.size[1] / 2 + CLEARANCE;
    double halfW = t.size[0] / 2 + CLEARANCE;
    double egoCx = (EGO_FRONT + EGO_REAR) / 2;
    double egoHx = (EGO_FRONT - EGO_REAR) / 2;
    for (double time = d.seconds(d.sampleTs[0]) - 0.5; time <= end; time += 0.1) {
      double[] e = d.ego.at(time);
      double[] p = t.center(time);
      double c = Math.cos(e[2]);
      double s = Math.sin(e[2]);
      double dx = p[0] - e[0];
      double dy = p[1] - e[1];
      double ox = c * dx + s * dy - egoCx;
      double oy = -s * dx + c * dy;
      double phi = t.heading - e[2];
      double cp = Math.abs(Math.cos(phi));
      double sp = Math.abs(Math.sin(phi));
      boolean separated =
          Math.abs(ox) > egoHx + halfL * cp + halfW * sp
              || Math.abs(oy) > EGO_HALF_WIDTH + halfL * sp + halfW * cp
              || Math.abs(ox * Math.cos(phi) + oy * Math.sin(phi))
                  > halfL + egoHx * cp + EGO_HALF_WIDTH * sp
              || Math.abs(-ox * Math.sin(phi) + oy * Math.cos(phi))
                  > halfW + egoHx * sp + EGO_HALF_WIDTH * cp;
      if (!separated) {
        return false;
      }
    }
    return true;
  }

  private static Track placeOnce(
      SceneData d, Kind k, boolean leftHand, SplittableRandom rng, double extraLateral) {
    Track t = new Track();
    t.token = DatasetPlan.token(rng);
    t.kind = k;
    t.category = Taxonomy.categoryIndex(k.name());
    double scale = 1 + 0.08 * rng.nextGaussian();
    t.size =
        new double[] {
          round3(k.w() * Math.clamp(scale + 0.03 * rng.nextGaussian(), 0.7, 1.3)),
          round3(k.l() * Math.clamp(scale + 0.03 * rng.nextGaussian(), 0.7, 1.3)),
          round3(k.h() * Math.clamp(scale + 0.03 * rng.nextGaussian(), 0.7, 1.3))
        };
    t.z = t.size[2] / 2 + 0.05 * rng.nextGaussian();
    int k0 = rng.nextInt(d.sampleTs.length);
    t.tau = d.seconds(d.sampleTs[k0]);
    double[] e = d.ego.at(t.tau);
    t.moving = rng.nextDouble() < k.moving();
    double f = -35 + rng.nextDouble() * 80;
    double l;
    double heading = e[2];
    switch (k.group()) {
      case VEHICLE, CYCLE -> {
        if (t.moving && rng.nextDouble() < 0.25) {
          l = 0.2 * rng.nextGaussian();
          f = pm(rng, 8, 40);
          t.vMax = Math.max(k.vMin(), e[3] * (0.8 + 0.4 * rng.nextDouble()));
        } else if (t.moving) {
          l = pm(rng, 3.3, 3.7) * (rng.nextDouble() < 0.5 ? 1 : 2);
          boolean oncoming = leftHand ? l < 0 : l > 0;
          heading = oncoming ? e[2] + Math.PI : e[2];
          t.vMax = k.vMin() + rng.nextDouble() * (k.vMax() - k.vMin());
        } else {
          l = pm(rng, 3.5, 9);
          heading = e[2] + 0.05 * rng.nextGaussian() + (rng.nextDouble() < 0.3 ? Math.PI : 0);
        }
        if (t.moving && k.group() == Group.VEHICLE && rng.nextDouble() < 0.2) {
          t.rampStart = t.tau + (rng.nextDouble() - 0.5) * 16;
        }
      }
      case PED, ANIMAL -> {
        l = pm(rng, 3.5, 15);
        f = -30 + rng.nextDouble() * 70;
        heading =
            rng.nextDouble() < 0.4
                ? e[2] + (rng.nextBoolean() ? 0.5 : -0.5) * Math.PI
                : e[2] + (rng.nextBoolean() ? 0 : Math.PI) + 0.1 * rng.nextGaussian();
        t.vMax = k.vMin() + rng.nextDouble() * (k.vMax() - k.vMin());
        t.seated = !t.moving && rng.nextDouble() < 0.2;
      }
      default -> {
        l = k.name().endsWith("debris") ? pm(rng, 2.5, 6) : pm(rng, 2.8, 12);
        heading =
            k.name().endsWith("trafficcone") || k.name().endsWith("pushable_pullable")
                ? rng.nextDouble() * 2 * Math.PI
                : e[2] + 0.1 * rng.nextGaussian();
        t.vMax = k.vMin() + rng.nextDouble() * (k.vMax() - k.vMin());
      }
    }
    t.heading = Math.atan2(Math.sin(heading), Math.cos(heading));
    l += Math.copySign(extraLateral, l);
    double c = Math.cos(e[2]);
    double s = Math.sin(e[2]);
    t.x0 = e[0] + f * c - l * s;
    t.y0 = e[1] + f * s + l * c;
    // The annotated run: contiguous samples around k0 within range, sometimes cut short.
    double range = k.group() == Group.VEHICLE ? (k.l() > 6 ? 60 : 50) : 38;
    int n = d.sampleTs.length;
    int a = k0;
    while (a > 0 && dist(d, t, a - 1) < range) {
      a--;
    }
    int b = k0;
    while (b < n - 1 && dist(d, t, b + 1) < range) {
      b++;
    }
    if (rng.nextDouble() < 0.3) {
      a = a + rng.nextInt(k0 - a + 1);
    }
    if (rng.nextDouble() < 0.3) {
      b = b - rng.nextInt(b - k0 + 1);
    }
    t.first = a;
    t.last = b;
    return t;
  }

  static double dist(SceneData d, Track t, int sample) {
    double time = d.seconds(d.sampleTs[sample]);
    double[] e = d.ego.at(time);
    double[] p = t.center(time);
    return Math.hypot(p[0] - e[0], p[1] - e[1]);
  }

  private static void annotate(SceneData d, Track t, SplittableRandom rng) {
    int m = t.last - t.first + 1;
    t.annTokens = new String[m];
    t.visibility = new int[m];
    t.lidarPts = new int[m];
    t.radarPts = new int[m];
    t.attribute = new String[m];
    double occlusion = rng.nextDouble() < 0.3 ? rng.nextDouble() * 0.7 : rng.nextDouble() * 0.15;
    Kind k = t.kind;
    double area = t.size[1] * t.size[2] + t.size[0] * t.size[2];
    boolean stoppedVehicle = rng.nextDouble() < 0.2;
    boolean riderOnParked = rng.nextDouble() < 0.3;
    for (int i = 0; i < m; i++) {
      int sample = t.first + i;
      t.annTokens[i] = DatasetPlan.token(rng);
      double time = d.seconds(d.sampleTs[sample]);
      double dd = Math.max(1.0, dist(d, t, sample));
      double frac = Math.clamp(1 - occlusion - dd / 150 + 0.08 * rng.nextGaussian(), 0.0, 1.0);
      t.visibility[i] = frac < 0.4 ? 1 : frac < 0.6 ? 2 : frac < 0.8 ? 3 : 4;
      double pts =
          9000 * area / (dd * dd) * Math.max(0.05, frac) * Math.exp(0.3 * rng.nextGaussian());
      if ((frac < 0.25 && rng.nextDouble() < 0.5) || (dd > 50 && rng.nextDouble() < 0.4)) {
        pts = 0;
      }
      t.lidarPts[i] = (int) Math.min(30_000, Math.floor(pts));
      int radar = 0;
      if ((k.group() == Group.VEHICLE || k.group() == Group.CYCLE) && dd < 60) {
        radar = rng.nextInt(1 + (int) ((k.group() == Group.VEHICLE ? 7 : 3) * (1 - dd / 60)));
      } else if (dd < 25 && rng.nextDouble() < 0.05) {
        radar = 1;
      }
      t.radarPts[i] = radar;
      double v = t.speed(time);
      t.attribute[i] =
          switch (k.group()) {
            case VEHICLE ->
                !t.moving
                    ? (stoppedVehicle ? "vehicle.stopped" : "vehicle.parked")
                    : v > 0.3 ? "vehicle.moving" : "vehicle.stopped";
            case CYCLE -> t.moving || riderOnParked ? "cycle.with_rider" : "cycle.without_rider";
            case PED ->
                t.moving && v > 0.2
                    ? "pedestrian.moving"
                    : t.seated ? "pedestrian.sitting_lying_down" : "pedestrian.standing";
            default -> null;
          };
    }
  }
}
