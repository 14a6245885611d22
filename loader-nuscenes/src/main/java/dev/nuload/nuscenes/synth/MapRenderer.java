package dev.nuload.nuscenes.synth;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.List;

/**
 * Rasterises a semantic-prior map mask: 8-bit grey, drivable area (roads about 10 m wide along the
 * given polylines) bright, the rest dark. Follows the devkit's {@code MapMask} convention: pixel
 * {@code (col, row)} covers global {@code x = col * res}, {@code y = (rows - 1 - row) * res}, i.e.
 * the image's bottom-left corner is global {@code (0, 0)}. The raster spans from the origin to the
 * roads' maximum plus a margin, and is coarsened so neither side exceeds {@value #MAX_SIDE} pixels
 * ({@link #effectiveMetersPerPixel}).
 */
public final class MapRenderer {
  /** Largest raster side in pixels. */
  public static final int MAX_SIDE = 4000;

  /** Road half width in metres. */
  public static final double ROAD_HALF_WIDTH = 5.0;

  /** Margin beyond the roads' extent, metres. */
  public static final double MARGIN = 50.0;

  private MapRenderer() {}

  /**
   * Returns the resolution actually used for a map: the requested one, coarsened if the raster
   * would exceed {@value #MAX_SIDE} pixels per side.
   *
   * @param f the map frame.
   * @return metres per pixel.
   */
  public static double effectiveMetersPerPixel(SensorFrames.MapFrame f) {
    double[] ext = extent(f.roads());
    double res = f.metersPerPixel();
    if (!(res > 0)) {
      throw new IllegalArgumentException("metersPerPixel must be > 0, got " + res);
    }
    double side = Math.max(ext[0], ext[1]);
    return Math.max(res, side / MAX_SIDE);
  }

  /** Maximum x and y of all roads plus margin, at least the margin. */
  private static double[] extent(List<double[][]> roads) {
    double mx = 0;
    double my = 0;
    for (double[][] road : roads) {
      for (double[] p : road) {
        mx = Math.max(mx, p[0]);
        my = Math.max(my, p[1]);
      }
    }
    return new double[] {mx + MARGIN, my + MARGIN};
  }

  /**
   * Draws the mask.
   *
   * @param f the map frame.
   * @return a {@code TYPE_BYTE_GRAY} image.
   */
  static BufferedImage render(SensorFrames.MapFrame f) {
    double res = effectiveMetersPerPixel(f);
    double[] ext = extent(f.roads());
    int cols = Math.max(1, (int) Math.ceil(ext[0] / res));
    int rows = Math.max(1, (int) Math.ceil(ext[1] / res));
    BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
    byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    double rad = ROAD_HALF_WIDTH;
    for (double[][] road : f.roads()) {
      double[] prev = null;
      for (double[] p : road) {
        if (prev != null && Math.hypot(p[0] - prev[0], p[1] - prev[1]) < rad / 2) {
          continue; // decimate dense trajectories; the capsule covers the gap
        }
        stamp(px, cols, rows, res, prev == null ? p : prev, p, rad);
        prev = p;
      }
      if (prev != null && road.length > 0) {
        stamp(px, cols, rows, res, prev, road[road.length - 1], rad);
      }
    }
    return img;
  }

  /** Fills the capsule of radius {@code rad} around segment a-b with 255. */
  private static void stamp(
      byte[] px, int cols, int rows, double res, double[] a, double[] b, double rad) {
    double minX = Math.min(a[0], b[0]) - rad;
    double maxX = Math.max(a[0], b[0]) + rad;
    double minY = Math.min(a[1], b[1]) - rad;
    double maxY = Math.max(a[1], b[1]) + rad;
    int c0 = Math.max(0, (int) Math.floor(minX / res));
    int c1 = Math.min(cols - 1, (int) Math.ceil(maxX / res));
    int r0 = Math.max(0, rows - 1 - (int) Math.ceil(maxY / res));
    int r1 = Math.min(rows - 1, rows - 1 - (int) Math.floor(minY / res));
    double ex = b[0] - a[0];
    double ey = b[1] - a[1];
    double len2 = ex * ex + ey * ey;
    double rad2 = rad * rad;
    for (int row = r0; row <= r1; row++) {
      double y = (rows - 1 - row + 0.5) * res;
      for (int col = c0; col <= c1; col++) {
        double x = (col + 0.5) * res;
        double s = len2 == 0 ? 0 : Math.clamp(((x - a[0]) * ex + (y - a[1]) * ey) / len2, 0, 1);
        double qx = a[0] + s * ex - x;
        double qy = a[1] + s * ey - y;
        if (qx * qx + qy * qy <= rad2) {
          px[row * cols + col] = (byte) 255;
        }
      }
    }
  }
}
