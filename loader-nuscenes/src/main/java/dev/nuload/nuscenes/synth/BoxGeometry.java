package dev.nuload.nuscenes.synth;

import dev.nuload.nuscenes.geom.RigidTransform;

/**
 * A {@link SensorFrames.Box} prepared for ray casting: box-to-global rotation, half extents along
 * the box axes (x = length, y = width, z = height, as in nuScenes {@code wlh}) and a stable look.
 */
final class BoxGeometry {
  final double[] c;
  final double[] r; // box-to-global rotation, row-major
  final double hx;
  final double hy;
  final double hz;
  final String category;
  final Kind kind;
  final long look; // stable per object: hash of category and size

  /** Coarse class of object, for looks and returns. */
  enum Kind {
    CAR,
    LARGE_VEHICLE,
    TWO_WHEELER,
    PEDESTRIAN,
    CONE,
    BARRIER,
    OTHER
  }

  BoxGeometry(SensorFrames.Box box) {
    if (box.center() == null || box.center().length != 3) {
      throw new IllegalArgumentException("box center must have 3 values");
    }
    if (box.size() == null || box.size().length != 3) {
      throw new IllegalArgumentException("box size must have 3 values (w, l, h)");
    }
    c = box.center().clone();
    r = RigidTransform.rotationMatrix(box.rotation());
    hy = Math.abs(box.size()[0]) / 2;
    hx = Math.abs(box.size()[1]) / 2;
    hz = Math.abs(box.size()[2]) / 2;
    category = box.category() == null ? "" : box.category();
    kind = kindOf(category);
    long h = category.hashCode();
    for (double s : box.size()) {
      h = SynthNoise.mix(h ^ Double.doubleToLongBits(s));
    }
    look = h;
  }

  static Kind kindOf(String category) {
    if (category.startsWith("vehicle.car") || category.startsWith("vehicle.emergency.police")) {
      return Kind.CAR;
    }
    if (category.startsWith("vehicle.bicycle") || category.startsWith("vehicle.motorcycle")) {
      return Kind.TWO_WHEELER;
    }
    if (category.startsWith("vehicle.")) {
      return Kind.LARGE_VEHICLE;
    }
    if (category.startsWith("human.")) {
      return Kind.PEDESTRIAN;
    }
    if (category.startsWith("movable_object.trafficcone")) {
      return Kind.CONE;
    }
    if (category.startsWith("movable_object.barrier")) {
      return Kind.BARRIER;
    }
    return Kind.OTHER;
  }

  /**
   * Intersects a ray with the box. Writes {@code [t, axis*2 + (negative face ? 1 : 0)]} of the
   * entry point into {@code hit}.
   *
   * @param ox ray origin in box coordinates.
   * @param oy ray origin in box coordinates.
   * @param oz ray origin in box coordinates.
   * @param dx direction in box coordinates.
   * @param dy direction in box coordinates.
   * @param dz direction in box coordinates.
   * @return the entry parameter t > 0, or {@code Double.POSITIVE_INFINITY} when missed or the
   *     origin is inside the box.
   */
  double intersect(double ox, double oy, double oz, double dx, double dy, double dz) {
    double tn = Double.NEGATIVE_INFINITY;
    double tf = Double.POSITIVE_INFINITY;
    if (Math.abs(dx) < 1e-12) {
      if (Math.abs(ox) > hx) {
        return Double.POSITIVE_INFINITY;
      }
    } else {
      double inv = 1 / dx;
      double t1 = (-hx - ox) * inv;
      double t2 = (hx - ox) * inv;
      tn = Math.min(t1, t2);
      tf = Math.max(t1, t2);
    }
    if (Math.abs(dy) < 1e-12) {
      if (Math.abs(oy) > hy) {
        return Double.POSITIVE_INFINITY;
      }
    } else {
      double inv = 1 / dy;
      double t1 = (-hy - oy) * inv;
      double t2 = (hy - oy) * inv;
      tn = Math.max(tn, Math.min(t1, t2));
      tf = Math.min(tf, Math.max(t1, t2));
    }
    if (Math.abs(dz) < 1e-12) {
      if (Math.abs(oz) > hz) {
        return Double.POSITIVE_INFINITY;
      }
    } else {
      double inv = 1 / dz;
      double t1 = (-hz - oz) * inv;
      double t2 = (hz - oz) * inv;
      tn = Math.max(tn, Math.min(t1, t2));
      tf = Math.min(tf, Math.max(t1, t2));
    }
    return tn <= tf && tn > 0 ? tn : Double.POSITIVE_INFINITY;
  }

  /**
   * Rotates a global vector into box coordinates ({@code R^T v}).
   *
   * @param v global vector.
   * @return box-frame vector.
   */
  double[] toLocalVector(double[] v) {
    return new double[] {
      r[0] * v[0] + r[3] * v[1] + r[6] * v[2],
      r[1] * v[0] + r[4] * v[1] + r[7] * v[2],
      r[2] * v[0] + r[5] * v[1] + r[8] * v[2]
    };
  }

  /**
   * Rotates a global vector into box coordinates, into a caller's array.
   *
   * @param vx global x.
   * @param vy global y.
   * @param vz global z.
   * @param out receives 3 values.
   * @return {@code out}.
   */
  double[] toLocalVectorInto(double vx, double vy, double vz, double[] out) {
    out[0] = r[0] * vx + r[3] * vy + r[6] * vz;
    out[1] = r[1] * vx + r[4] * vy + r[7] * vz;
    out[2] = r[2] * vx + r[5] * vy + r[8] * vz;
    return out;
  }

  /**
   * Maps a global point into box coordinates.
   *
   * @param p global point.
   * @return box-frame point.
   */
  double[] toLocalPoint(double[] p) {
    return toLocalVector(new double[] {p[0] - c[0], p[1] - c[1], p[2] - c[2]});
  }
}
