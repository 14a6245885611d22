package dev.nuload.nuscenes.synth;

import dev.nuload.nuscenes.geom.RigidTransform;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Simulates a front-facing automotive radar (Continental ARS 408-like: +-60 degrees up to 70 m, +-9
 * degrees up to 250 m) and packs the sweep as {@link RadarPcdDescriptor}. Boxes in the field of
 * view give one to a few returns near their radar-facing side; the rest is ground clutter. At most
 * {@value RadarPcdDescriptor#MAX_POINTS} points; radar frame x forward, y left, z up, z written as
 * 0 as in the real data.
 */
final class RadarSimulator {
  private static final double NEAR_RANGE = 70;
  private static final double FAR_RANGE = 250;
  private static final double NEAR_HALF_FOV = Math.toRadians(60);
  private static final double FAR_HALF_FOV = Math.toRadians(9);

  private final ByteBuffer buffer =
      ByteBuffer.allocate(RadarPcdDescriptor.fileLength(RadarPcdDescriptor.MAX_POINTS))
          .order(ByteOrder.LITTLE_ENDIAN);
  private final float[][] points = new float[RadarPcdDescriptor.MAX_POINTS][];

  /**
   * Simulates one sweep.
   *
   * @param f the frame.
   * @return the whole file content (position 0); valid until the next call.
   */
  ByteBuffer simulate(SensorFrames.RadarFrame f) {
    SplittableRandom rnd = new SplittableRandom(SynthNoise.mix(f.frameSeed() ^ 0x2ADA2L));
    RigidTransform toRadar = f.radarToGlobal().inverse();
    int n = 0;
    for (SensorFrames.Box box : f.boxes()) {
      if (n >= RadarPcdDescriptor.MAX_POINTS) {
        break;
      }
      BoxGeometry g = new BoxGeometry(box);
      double[] c = toRadar.apply(box.center());
      double range = Math.hypot(c[0], c[1]);
      double az = Math.atan2(c[1], c[0]);
      if (c[0] <= 0 || !inFov(range, az)) {
        continue;
      }
      int returns =
          switch (g.kind) {
            case CAR -> 1 + rnd.nextInt(3);
            case LARGE_VEHICLE -> 2 + rnd.nextInt(4);
            case TWO_WHEELER -> rnd.nextInt(2) + 1;
            case PEDESTRIAN, CONE -> rnd.nextDouble() < 0.4 ? 1 : 0;
            case BARRIER, OTHER -> rnd.nextInt(2);
          };
      double radius = Math.min(g.hx, g.hy);
      double rcsBase =
          switch (g.kind) {
            case CAR -> 8;
            case LARGE_VEHICLE -> 18;
            case TWO_WHEELER -> 2;
            case PEDESTRIAN -> -4;
            case CONE -> -2;
            case BARRIER, OTHER -> 4;
          };
      for (int k = 0; k < returns && n < RadarPcdDescriptor.MAX_POINTS; k++) {
        double rr = Math.max(0.5, range - radius + rnd.nextGaussian() * 0.3);
        double aa = az + rnd.nextGaussian() * Math.max(g.hx, g.hy) / Math.max(range, 1) * 0.4;
        double vx = rnd.nextGaussian() * 0.3;
        double vy = rnd.nextGaussian() * 0.2;
        points[n++] =
            record(
                rr * Math.cos(aa),
                rr * Math.sin(aa),
                rcsBase + rnd.nextGaussian() * 3,
                vx,
                vy,
                rnd.nextDouble() < 0.8 ? 1 : 3,
                rnd);
      }
    }
    int clutter = Math.min(RadarPcdDescriptor.MAX_POINTS - n, 15 + rnd.nextInt(60));
    for (int k = 0; k < clutter; k++) {
      double range = 1 + Math.pow(rnd.nextDouble(), 1.8) * 120;
      double half = range <= NEAR_RANGE ? NEAR_HALF_FOV : FAR_HALF_FOV;
      double az = (rnd.nextDouble() * 2 - 1) * half;
      int dyn = rnd.nextDouble() < 0.7 ? 1 : (rnd.nextDouble() < 0.5 ? 3 : 7);
      points[n++] =
          record(
              range * Math.cos(az),
              range * Math.sin(az),
              -5 + rnd.nextDouble() * 20,
              rnd.nextGaussian() * 0.1,
              rnd.nextGaussian() * 0.1,
              dyn,
              rnd);
    }
    byte[] header = RadarPcdDescriptor.header(n);
    buffer.clear();
    buffer.put(header);
    for (int i = 0; i < n; i++) {
      float[] p = points[i];
      buffer.putFloat(p[0]).putFloat(p[1]).putFloat(0f);
      buffer.put((byte) p[5]);
      buffer.putShort((short) i);
      buffer.putFloat(p[2]).putFloat(p[3]).putFloat(p[4]).putFloat(p[3]).putFloat(p[4]);
      buffer.put((byte) 1); // is_quality_valid
      buffer.put((byte) 3); // ambig_state: unambiguous
      buffer.put((byte) p[6]); // x_rms
      buffer.put((byte) p[6]); // y_rms
      buffer.put((byte) 0); // invalid_state: valid
      buffer.put((byte) 1); // pdh0: < 25 % false alarm
      buffer.put((byte) p[7]); // vx_rms
      buffer.put((byte) 3); // vy_rms
    }
    int pad = RadarPcdDescriptor.HEADER_BLOCK - header.length;
    for (int i = 0; i < pad; i++) {
      buffer.put((byte) 0);
    }
    buffer.flip();
    return buffer;
  }

  private static boolean inFov(double range, double az) {
    double a = Math.abs(az);
    return (range <= NEAR_RANGE && a <= NEAR_HALF_FOV) || (range <= FAR_RANGE && a <= FAR_HALF_FOV);
  }

  /** x, y, rcs (0.5 dBsm steps), vx, vy, dyn_prop, x_rms code, vx_rms code. */
  private static float[] record(
      double x, double y, double rcs, double vx, double vy, int dyn, SplittableRandom rnd) {
    return new float[] {
      (float) (Math.round(x * 5) / 5.0),
      (float) (Math.round(y * 5) / 5.0),
      (float) (Math.round(rcs * 2) / 2.0),
      (float) (Math.round(vx * 4) / 4.0),
      (float) (Math.round(vy * 4) / 4.0),
      dyn,
      19 + rnd.nextInt(2),
      16 + rnd.nextInt(4)
    };
  }
}
