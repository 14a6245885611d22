package dev.nuload.nuscenes.petr;

import dev.nuload.nuscenes.info.InfoRecord.Annotations;
import java.util.Arrays;

/**
 * Ground-truth preparation of spec 3.1 ({@code get_ann_info}), 3.3.4 ({@code ObjectRangeFilter})
 * and 3.3.5 ({@code ObjectNameFilter}): mask by {@code valid_flag} (or {@code num_lidar_pts > 0}),
 * label by class index, NaN velocities to 0, gravity centre to bottom centre, keep boxes whose
 * bottom-centre x and y lie strictly inside the range, wrap the angle to [-pi, pi), drop labels
 * outside the class list.
 *
 * @param boxes rows of {@link PetrGeometry#BOX_DIM}: x, y, z_bottom, w, l, h, angle, vx, vy.
 * @param labels class index per row.
 */
public record PetrTargets(double[] boxes, int[] labels) {
  /** No boxes. */
  public static final PetrTargets EMPTY = new PetrTargets(new double[0], new int[0]);

  /**
   * Returns the number of boxes.
   *
   * @return rows.
   */
  public int size() {
    return labels.length;
  }

  /**
   * Prepares the targets of a sample.
   *
   * @param config class list, GT mask and range.
   * @param a the info's annotations, or null (test version).
   * @return filtered boxes and labels.
   */
  public static PetrTargets prepare(PetrConfig config, Annotations a) {
    if (a == null || a.size() == 0) {
      return EMPTY;
    }
    int n = a.size();
    double[] out = new double[n * PetrGeometry.BOX_DIM];
    int[] labels = new int[n];
    double[] r = config.pointCloudRange();
    int m = 0;
    for (int i = 0; i < n; i++) {
      boolean keep = config.useValidFlag() ? a.validFlag()[i] : a.numLidarPts()[i] > 0;
      if (!keep) {
        continue;
      }
      int label = config.classes().indexOf(a.gtNames()[i]);
      double x = a.gtBoxes()[i * 7];
      double y = a.gtBoxes()[i * 7 + 1];
      if (!(x > r[0] && y > r[1] && x < r[3] && y < r[4])) {
        continue;
      }
      if (label < 0) {
        continue;
      }
      int o = m * PetrGeometry.BOX_DIM;
      System.arraycopy(a.gtBoxes(), i * 7, out, o, 7);
      out[o + 2] -= out[o + 5] / 2;
      double angle = out[o + 6];
      out[o + 6] = angle - Math.floor(angle / (2 * Math.PI) + 0.5) * 2 * Math.PI;
      double vx = a.gtVelocity()[i * 2];
      double vy = a.gtVelocity()[i * 2 + 1];
      out[o + 7] = Double.isNaN(vx) ? 0 : vx;
      out[o + 8] = Double.isNaN(vx) ? 0 : vy;
      labels[m++] = label;
    }
    return new PetrTargets(Arrays.copyOf(out, m * PetrGeometry.BOX_DIM), Arrays.copyOf(labels, m));
  }
}
