package dev.nuload.nuscenes.petr;

import dev.nuload.image.ChannelNormalization;
import dev.nuload.image.TensorDType;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Helpers of {@code nuload preview}: turn a processed view back into a picture (de-normalised, GT
 * box edges projected with the view's {@code lidar2img}) and measure how far the fast mode is from
 * the exact one.
 */
public final class PetrPreview {
  private static final Color[] COLORS = {
    new Color(255, 64, 64), // car
    new Color(255, 160, 0), // truck
    new Color(255, 255, 0), // construction_vehicle
    new Color(160, 64, 255), // bus
    new Color(255, 96, 192), // trailer
    new Color(128, 128, 128), // barrier
    new Color(0, 255, 255), // motorcycle
    new Color(0, 160, 255), // bicycle
    new Color(64, 255, 64), // pedestrian
    new Color(255, 255, 255) // traffic_cone
  };
  private static final int[][] EDGES = {
    {0, 1}, {1, 2}, {2, 3}, {3, 0}, {4, 5}, {5, 6}, {6, 7}, {7, 4}, {0, 4}, {1, 5}, {2, 6}, {3, 7}
  };

  private PetrPreview() {}

  /**
   * Renders one view of a float32 sample tensor: values de-normalised ({@code x * std + mean},
   * rounded, clamped to 0..255), the padding cut off, and the edges of every GT box whose corners
   * lie in front of the camera drawn in its class colour, plus a line from the bottom centre to the
   * front face.
   *
   * @param img the sample tensor {@code [V, 3, padH, padW]} float32.
   * @param view view index.
   * @param r the processor's result for the sample.
   * @param norm the normalisation used.
   * @return an RGB picture of {@code imgWidth x imgHeight}.
   */
  public static BufferedImage render(
      MemorySegment img, int view, SampleResult r, ChannelNormalization norm) {
    int h = r.imgHeight();
    int w = r.imgWidth();
    long plane = (long) r.padHeight() * r.padWidth();
    long base = view * 3 * plane;
    BufferedImage bi = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    byte[] px = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
    for (int c = 0; c < 3; c++) {
      int sc = norm.sourceChannel(c); // B, G, R index in the picture
      double m = norm.mean()[c];
      double s = norm.std()[c];
      for (int y = 0; y < h; y++) {
        long row = base + c * plane + (long) y * r.padWidth();
        for (int x = 0; x < w; x++) {
          float f = img.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, row + x);
          long v = Math.round(f * s + m);
          px[(y * w + x) * 3 + sc] = (byte) Math.max(0, Math.min(255, v));
        }
      }
    }
    Graphics2D g = bi.createGraphics();
    g.setStroke(new BasicStroke(2f));
    double[] l2i = r.lidar2img()[view];
    PetrTargets t = r.targets();
    for (int b = 0; b < t.size(); b++) {
      double[] cs = PetrGeometry.corners(t.boxes(), b);
      double[][] uv = new double[8][];
      for (int k = 0; k < 8; k++) {
        uv[k] = PetrGeometry.project(l2i, cs[k * 3], cs[k * 3 + 1], cs[k * 3 + 2]);
      }
      g.setColor(COLORS[Math.floorMod(t.labels()[b], COLORS.length)]);
      for (int[] e : EDGES) {
        if (uv[e[0]][2] > 0.1 && uv[e[1]][2] > 0.1) {
          g.drawLine(
              (int) Math.round(uv[e[0]][0]),
              (int) Math.round(uv[e[0]][1]),
              (int) Math.round(uv[e[1]][0]),
              (int) Math.round(uv[e[1]][1]));
        }
      }
      // heading: bottom centre to the middle of the front face (corners 0 and 3)
      int o = b * PetrGeometry.BOX_DIM;
      double[] c0 = PetrGeometry.project(l2i, t.boxes()[o], t.boxes()[o + 1], t.boxes()[o + 2]);
      double[] f =
          PetrGeometry.project(
              l2i, (cs[0] + cs[9]) / 2, (cs[1] + cs[10]) / 2, (cs[2] + cs[11]) / 2);
      if (c0[2] > 0.1 && f[2] > 0.1) {
        g.drawLine(
            (int) Math.round(c0[0]),
            (int) Math.round(c0[1]),
            (int) Math.round(f[0]),
            (int) Math.round(f[1]));
      }
    }
    g.dispose();
    return bi;
  }

  /**
   * Difference between two uint8 sample tensors over the unpadded image area.
   *
   * @param maxAbs largest absolute difference, levels.
   * @param meanAbs mean absolute difference, levels.
   * @param psnrDb peak signal-to-noise ratio, dB (infinite when equal).
   */
  public record ModeDifference(int maxAbs, double meanAbs, double psnrDb) {}

  /**
   * Compares two uint8 tensors of the same config (e.g. exact vs fast) on the unpadded area.
   *
   * @param a first tensor.
   * @param b second tensor.
   * @param config the config both were produced with ({@link TensorDType#UINT8}).
   * @return the difference.
   */
  public static ModeDifference compare(MemorySegment a, MemorySegment b, PetrConfig config) {
    int ph = config.paddedHeight();
    int pw = config.paddedWidth();
    long n = 0;
    long sum = 0;
    double sq = 0;
    int max = 0;
    for (int v = 0; v < config.views(); v++) {
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < config.finalHeight(); y++) {
          long row = ((long) (v * 3 + c) * ph + y) * pw;
          for (int x = 0; x < config.finalWidth(); x++) {
            int d =
                Math.abs(
                    (a.get(ValueLayout.JAVA_BYTE, row + x) & 0xFF)
                        - (b.get(ValueLayout.JAVA_BYTE, row + x) & 0xFF));
            max = Math.max(max, d);
            sum += d;
            sq += (double) d * d;
            n++;
          }
        }
      }
    }
    double mse = sq / n;
    double psnr = mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    return new ModeDifference(max, (double) sum / n, psnr);
  }
}
