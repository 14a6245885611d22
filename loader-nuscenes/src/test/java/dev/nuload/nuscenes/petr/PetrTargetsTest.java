package dev.nuload.nuscenes.petr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nuload.nuscenes.info.InfoRecord.Annotations;
import org.junit.jupiter.api.Test;

class PetrTargetsTest {
  static Annotations anns() {
    // 0 car kept; 1 pedestrian with NaN velocity; 2 invalid; 3 out of range (x = 51.2, strict);
    // 4 unmapped name; 5 angle beyond pi
    double[] boxes = {
      1, 2, 3, 2, 4, 1.5, 0.1, //
      -5, 6, 0.5, 0.6, 0.7, 1.8, -0.2, //
      7, 7, 0, 1, 1, 1, 0, //
      51.2, 0, 0, 1, 1, 1, 0, //
      3, 3, 0, 1, 1, 1, 0, //
      10, -10, 1, 2, 5, 2, 4.0
    };
    String[] names = {"car", "pedestrian", "car", "car", "movable_object.debris", "truck"};
    double[] vel = {1, 0.5, Double.NaN, Double.NaN, 0, 0, 0, 0, 0, 0, -1, 2};
    long[] lidar = {10, 0, 0, 5, 5, 5};
    long[] radar = {0, 1, 0, 0, 0, 0};
    boolean[] valid = {true, true, false, true, true, true};
    return new Annotations(boxes, names, vel, lidar, radar, valid, new String[6]);
  }

  @Test
  void shouldKeepValidInRangeMappedBoxesWithLabels() {
    PetrTargets t = PetrTargets.prepare(PetrConfig.petrv2_800x320(), anns());
    assertArrayEquals(new int[] {0, 8, 1}, t.labels());
  }

  @Test
  void shouldMoveTheCentreToTheBottomAndZeroNanVelocities() {
    PetrTargets t = PetrTargets.prepare(PetrConfig.petrv2_800x320(), anns());
    assertArrayEquals(new double[] {1, 2, 2.25, 2, 4, 1.5, 0.1, 1, 0.5}, slice(t, 0), 1e-12);
    assertArrayEquals(new double[] {-5, 6, -0.4, 0.6, 0.7, 1.8, -0.2, 0, 0}, slice(t, 1), 1e-12);
  }

  @Test
  void shouldWrapTheAngleIntoMinusPiToPi() {
    PetrTargets t = PetrTargets.prepare(PetrConfig.petrv2_800x320(), anns());
    assertEquals(4.0 - 2 * Math.PI, slice(t, 2)[6], 1e-12);
  }

  @Test
  void shouldMaskByLidarPointsWhenValidFlagIsOff() {
    PetrConfig c = PetrConfig.petrv2_800x320();
    PetrConfig lidarMask =
        new PetrConfig(
            c.name(),
            c.cameras(),
            c.frames(),
            c.sourceWidth(),
            c.sourceHeight(),
            c.finalWidth(),
            c.finalHeight(),
            c.resizeMin(),
            c.resizeMax(),
            c.botPctMin(),
            c.botPctMax(),
            c.randFlip(),
            c.globalRotMin(),
            c.globalRotMax(),
            c.scaleMin(),
            c.scaleMax(),
            c.normalization(),
            c.sizeDivisor(),
            c.classes(),
            false,
            c.pointCloudRange(),
            c.sweepRangeMin(),
            c.sweepRangeMax(),
            c.sweepInterval(),
            c.mode(),
            c.dtype());
    // the pedestrian has no lidar points (radar only): dropped
    assertArrayEquals(new int[] {0, 1}, PetrTargets.prepare(lidarMask, anns()).labels());
  }

  static double[] slice(PetrTargets t, int i) {
    double[] r = new double[9];
    System.arraycopy(t.boxes(), i * 9, r, 0, 9);
    return r;
  }
}
