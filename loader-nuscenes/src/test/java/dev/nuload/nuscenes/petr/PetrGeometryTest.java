package dev.nuload.nuscenes.petr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The worked numbers of spec 3.8 and the invariants of 3.3.7. */
class PetrGeometryTest {
  @Test
  void shouldBuildTheTestIda() {
    assertArrayEquals(
        new double[] {0.5, 0, 0, 0, 0.5, -130, 0, 0, 1},
        PetrGeometry.ida(0.5, 0, 130, false, 800, 320, 0),
        1e-12);
  }

  @Test
  void shouldBuildTheTrainIdaWithoutFlip() {
    assertArrayEquals(
        new double[] {0.55, 0, -40, 0, 0.55, -175, 0, 0, 1},
        PetrGeometry.ida(0.55, 40, 175, false, 800, 320, 0),
        1e-12);
  }

  @Test
  void shouldBuildTheTrainIdaWithFlip() {
    assertArrayEquals(
        new double[] {-0.55, 0, 840, 0, 0.55, -175, 0, 0, 1},
        PetrGeometry.ida(0.55, 40, 175, true, 800, 320, 0),
        1e-12);
  }

  @Test
  void shouldApplyIdaToTheIntrinsicsBlockOnly() {
    double[] k4 = {1000, 0, 800, 0, 0, 1000, 450, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    double[] m = PetrGeometry.applyIda(PetrGeometry.ida(0.5, 0, 130, false, 800, 320, 0), k4);
    // fx' = fx/2, cx' = cx/2, cy' = cy/2 - 130
    assertArrayEquals(
        new double[] {500, 0, 400, 0, 0, 500, 95, 0, 0, 0, 1, 0, 0, 0, 0, 1}, m, 1e-9);
  }

  @Test
  void shouldKeepImagePointsFixedUnderTheGlobalRotationAndScale() {
    double[] l2i = {800, 10, 3, 5, -20, 700, 1, 7, 0.1, 0.02, 1, 0.5, 0, 0, 0, 1};
    double theta = 0.3;
    double s = 1.04;
    double[] aug = PetrGeometry.rotScaleLidar2img(l2i, theta, s);
    double x = 12.5;
    double y = -3.25;
    double z = 0.75;
    // p' = s * Rz(theta) * p
    double xp = s * (x * Math.cos(theta) - y * Math.sin(theta));
    double yp = s * (x * Math.sin(theta) + y * Math.cos(theta));
    double zp = s * z;
    assertArrayEquals(
        PetrGeometry.project(l2i, x, y, z), PetrGeometry.project(aug, xp, yp, zp), 1e-9);
  }

  @Test
  void shouldMoveBoxesWithTheFrame() {
    double[] box = {10, 2, -1, 2, 4.5, 1.6, 0.4, 1.5, -0.5};
    double theta = -0.2;
    double s = 0.97;
    double[] b = PetrGeometry.rotScaleBoxes(box, theta, s);
    assertEquals(s * (10 * Math.cos(theta) - 2 * Math.sin(theta)), b[0], 1e-12);
    assertEquals(s * (10 * Math.sin(theta) + 2 * Math.cos(theta)), b[1], 1e-12);
    assertEquals(-s, b[2], 1e-12);
    assertEquals(4.5 * s, b[4], 1e-12);
    assertEquals(0.4 - theta, b[6], 1e-12);
    assertEquals(s * (1.5 * Math.cos(theta) + 0.5 * Math.sin(theta)), b[7], 1e-12);
    // corners move rigidly with the frame: each corner of b = s * Rz * corner of box
    double[] c0 = PetrGeometry.corners(box, 0);
    double[] c1 = PetrGeometry.corners(b, 0);
    for (int k = 0; k < 8; k++) {
      double x = c0[k * 3];
      double y = c0[k * 3 + 1];
      assertEquals(s * (x * Math.cos(theta) - y * Math.sin(theta)), c1[k * 3], 1e-9);
      assertEquals(s * (x * Math.sin(theta) + y * Math.cos(theta)), c1[k * 3 + 1], 1e-9);
      assertEquals(s * c0[k * 3 + 2], c1[k * 3 + 2], 1e-9);
    }
  }
}
