package dev.nuload.nuscenes.synth;

import dev.nuload.nuscenes.geom.RigidTransform;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Simulates a 32-beam spinning lidar (elevations -30 to +10 degrees, 70 m range) by ray casting
 * against the ground plane {@code z = 0} (global) and the annotated boxes, and packs the returns as
 * nuScenes {@code .pcd.bin}: per point five little-endian float32 {@code x, y, z, intensity, ring}
 * in the lidar frame. Rays that hit nothing are dropped and further revolutions (at shifted
 * azimuths) fill up to exactly the requested count.
 *
 * <p>Ownership: reuses one heap buffer across sweeps; the buffer returned by {@link #simulate} is
 * overwritten by the next call. Not thread-safe.
 */
final class LidarSimulator {
  /** Bytes per point: five float32. */
  static final int POINT_BYTES = 20;

  /** Number of beams (ring index 0..31, 0 = lowest). */
  static final int BEAMS = 32;

  static final double MIN_ELEVATION_DEG = -30.0;
  static final double MAX_ELEVATION_DEG = 10.0;
  static final double MAX_RANGE = 70.0;
  private static final double MIN_RANGE = 1.0;
  private static final int MAX_REVOLUTIONS = 64;

  private ByteBuffer buffer = ByteBuffer.allocate(0);
  private final double[] sinE = new double[BEAMS];
  private final double[] cosE = new double[BEAMS];

  LidarSimulator() {
    for (int b = 0; b < BEAMS; b++) {
      double e =
          Math.toRadians(
              MIN_ELEVATION_DEG + (MAX_ELEVATION_DEG - MIN_ELEVATION_DEG) * b / (BEAMS - 1));
      sinE[b] = Math.sin(e);
      cosE[b] = Math.cos(e);
    }
  }

  /**
   * Simulates one sweep.
   *
   * @param f the frame.
   * @return the file content, position 0, limit {@code points * 20}; valid until the next call.
   */
  ByteBuffer simulate(SensorFrames.LidarFrame f) {
    int n = f.points();
    if (n < 0 || n > 10_000_000) {
      throw new IllegalArgumentException("lidar point count out of range: " + n);
    }
    int bytes = n * POINT_BYTES;
    if (buffer.capacity() < bytes) {
      buffer = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
    buffer.clear();
    if (n == 0) {
      buffer.flip();
      return buffer;
    }
    RigidTransform l2g = f.lidarToGlobal();
    double[] r = l2g.r();
    double[] o = l2g.t();
    List<BoxGeometry> boxes = new ArrayList<>(f.boxes().size());
    List<double[]> localOrigins = new ArrayList<>(f.boxes().size());
    for (SensorFrames.Box b : f.boxes()) {
      BoxGeometry g = new BoxGeometry(b);
      double[] lo = g.toLocalPoint(o);
      // cull boxes out of range
      double reach = MAX_RANGE + Math.sqrt(g.hx * g.hx + g.hy * g.hy + g.hz * g.hz);
      if (lo[0] * lo[0] + lo[1] * lo[1] + lo[2] * lo[2] < reach * reach) {
        boxes.add(g);
        localOrigins.add(lo);
      }
    }
    SplittableRandom rnd = new SplittableRandom(SynthNoise.mix(f.frameSeed() ^ 0x11DA2L));
    // about 70 % of rays return on flat ground; size the first revolution for that
    int columns = Math.max(64, (int) Math.ceil(n / (BEAMS * 0.7)));
    int written = 0;
    double phase = rnd.nextDouble();
    double[] hitLocal = new double[3];
    for (int rev = 0; rev < MAX_REVOLUTIONS && written < n; rev++) {
      for (int c = 0; c < columns && written < n; c++) {
        double az = 2 * Math.PI * (c + phase) / columns;
        double ca = Math.cos(az);
        double sa = Math.sin(az);
        for (int beam = 0; beam < BEAMS && written < n; beam++) {
          // lidar frame direction: x right, y forward, z up
          double lx = cosE[beam] * ca;
          double ly = cosE[beam] * sa;
          double lz = sinE[beam];
          double gx = r[0] * lx + r[1] * ly + r[2] * lz;
          double gy = r[3] * lx + r[4] * ly + r[5] * lz;
          double gz = r[6] * lx + r[7] * ly + r[8] * lz;
          double best = MAX_RANGE;
          float intensity = -1;
          if (gz < 0 && o[2] > 0) {
            double t = -o[2] / gz;
            if (t < best) {
              best = t;
              double px = o[0] + t * gx;
              double py = o[1] + t * gy;
              int tv =
                  SynthNoise.TEXTURE[
                      ((int) (px * 20 + 8192) & 1023) | (((int) (py * 20 + 8192) & 1023) << 10)];
              intensity = (float) Math.max(0, 8 + tv / 12.0 + rnd.nextDouble() * 4);
            }
          }
          for (int k = 0; k < boxes.size(); k++) {
            BoxGeometry b = boxes.get(k);
            double[] d = b.toLocalVectorInto(gx, gy, gz, hitLocal);
            double[] lo = localOrigins.get(k);
            double t = b.intersect(lo[0], lo[1], lo[2], d[0], d[1], d[2]);
            if (t < best) {
              best = t;
              intensity = boxIntensity(b, rnd);
            }
          }
          if (intensity < 0 || best < MIN_RANGE) {
            continue;
          }
          double range = best + rnd.nextGaussian() * 0.015;
          buffer.putFloat((float) (lx * range));
          buffer.putFloat((float) (ly * range));
          buffer.putFloat((float) (lz * range));
          buffer.putFloat(Math.round(Math.min(255, intensity)));
          buffer.putFloat(beam);
          written++;
        }
      }
      phase = (phase + 0.618_034) % 1.0;
    }
    // nothing to hit (e.g. a lidar below the ground): fill with near returns straight down
    while (written < n) {
      int beam = written % BEAMS;
      double az = 2 * Math.PI * rnd.nextDouble();
      double range = MIN_RANGE + rnd.nextDouble();
      buffer.putFloat((float) (cosE[beam] * Math.cos(az) * range));
      buffer.putFloat((float) (cosE[beam] * Math.sin(az) * range));
      buffer.putFloat((float) (sinE[beam] * range));
      buffer.putFloat(1f);
      buffer.putFloat(beam);
      written++;
    }
    buffer.flip();
    return buffer;
  }

  private static float boxIntensity(BoxGeometry b, SplittableRandom rnd) {
    double base =
        switch (b.kind) {
          case CAR, LARGE_VEHICLE -> 25;
          case TWO_WHEELER -> 20;
          case PEDESTRIAN -> 12;
          case CONE, BARRIER -> 60;
          case OTHER -> 15;
        };
    return (float) (base * (0.5 + rnd.nextDouble()));
  }
}
