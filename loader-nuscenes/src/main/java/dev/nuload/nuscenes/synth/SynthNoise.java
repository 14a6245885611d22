package dev.nuload.nuscenes.synth;

import java.util.SplittableRandom;

/**
 * Deterministic noise shared by the sensor simulators: a 64-bit mixer and a tileable 1024x1024
 * multi-octave value-noise texture, built once per process from a fixed seed.
 */
final class SynthNoise {
  /** Texture side (a power of two). */
  static final int TEX_SIZE = 1024;

  /** Texture index mask per axis. */
  static final int TEX_MASK = TEX_SIZE - 1;

  /** Signed texture values, roughly -127..127, row-major {@code TEX_SIZE x TEX_SIZE}. */
  static final byte[] TEXTURE = buildTexture(0x5EED_7E47L);

  private SynthNoise() {}

  /**
   * Mixes a 64-bit value (splitmix64 finaliser).
   *
   * @param z input.
   * @return a well-mixed 64-bit value.
   */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Maps a hash to {@code [0, 1)}.
   *
   * @param h a hash.
   * @return a double in [0, 1).
   */
  static double unit(long h) {
    return (h >>> 11) * 0x1.0p-53;
  }

  private static byte[] buildTexture(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] acc = new float[TEX_SIZE * TEX_SIZE];
    float amp = 1f;
    float total = 0f;
    for (int cell = 128; cell >= 1; cell /= 2) {
      int n = TEX_SIZE / cell;
      float[] grid = new float[n * n];
      for (int i = 0; i < grid.length; i++) {
        grid[i] = (float) (rnd.nextDouble() * 2 - 1);
      }
      for (int y = 0; y < TEX_SIZE; y++) {
        int gy = y / cell;
        float fy = (y % cell) / (float) cell;
        fy = fy * fy * (3 - 2 * fy);
        int gy1 = (gy + 1) % n;
        for (int x = 0; x < TEX_SIZE; x++) {
          int gx = x / cell;
          float fx = (x % cell) / (float) cell;
          fx = fx * fx * (3 - 2 * fx);
          int gx1 = (gx + 1) % n;
          float a = grid[gy * n + gx] + (grid[gy * n + gx1] - grid[gy * n + gx]) * fx;
          float b = grid[gy1 * n + gx] + (grid[gy1 * n + gx1] - grid[gy1 * n + gx]) * fx;
          acc[y * TEX_SIZE + x] += amp * (a + (b - a) * fy);
        }
      }
      total += amp;
      amp *= 0.72f;
    }
    byte[] tex = new byte[acc.length];
    for (int i = 0; i < acc.length; i++) {
      float v = acc[i] / total * 2.2f * 127f;
      tex[i] = (byte) Math.max(-127, Math.min(127, Math.round(v)));
    }
    return tex;
  }
}
