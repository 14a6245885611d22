package dev.nuload.nuscenes.info;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GeometryTest {
  private static final double[] I3 = {1, 0, 0, 0, 1, 0, 0, 0, 1};

  @Test
  void shouldInvertARotationToItsTransposeUpToRounding() {
    double[] r = Geometry.rotation(new double[] {0.57, -0.0021, 0.0116, -0.82});
    assertArrayEquals(Geometry.transpose3(r), Geometry.inverse3(r), 1e-15);
  }

  @Test
  void shouldInvertAGeneralMatrixWithPivoting() {
    Random rnd = new Random(7);
    for (int k = 0; k < 100; k++) {
      double[] m = new double[9];
      for (int i = 0; i < 9; i++) {
        m[i] = rnd.nextGaussian();
      }
      m[0] = 1e-9; // forces a row exchange
      assertArrayEquals(I3, Geometry.mul3(m, Geometry.inverse3(m)), 1e-8);
    }
  }

  @Test
  void shouldRejectASingularMatrix() {
    assertThrows(
        ArithmeticException.class,
        () -> Geometry.inverse3(new double[] {1, 2, 3, 2, 4, 6, 0, 0, 1}));
  }

  @Test
  void shouldUsePyquaternionsYawFormulaRatherThanTheMatrixAngle() {
    double[] q = {0.9, 0.2, 0.3, 0.25};
    double n = Math.sqrt(0.81 + 0.04 + 0.09 + 0.0625);
    double w = q[0] / n;
    double x = q[1] / n;
    double y = q[2] / n;
    double z = q[3] / n;
    double expected = Math.atan2(2 * (w * z - x * y), 1 - 2 * (y * y + z * z));
    assertEquals(expected, Geometry.yaw(q), 0);
    double[] r = Geometry.rotation(q);
    assertNotEquals(Math.atan2(r[3], r[0]), Geometry.yaw(q), 1e-3);
  }

  @Test
  void shouldComposeQuaternionsLikeTheirRotationMatrices() {
    double[] a = {0.7, 0.1, -0.2, 0.68};
    double[] b = {0.3, -0.5, 0.6, 0.2};
    assertArrayEquals(
        Geometry.mul3(Geometry.rotation(a), Geometry.rotation(b)),
        Geometry.rotation(Geometry.quatMultiply(a, b)),
        1e-15);
  }

  @Test
  void shouldInvertAQuaternionByConjugateOverSquaredNorm() {
    double[] q = {2, 1, -1, 0.5};
    double[] p = Geometry.quatMultiply(q, Geometry.quatInverse(q));
    assertArrayEquals(new double[] {1, 0, 0, 0}, p, 1e-15);
  }

  @Test
  void shouldLayOutExtrinsicsTransposedAndLidar2imgInColumnConvention() {
    double[] rs2l = Geometry.rotation(new double[] {0.5, -0.5, 0.5, -0.5});
    double[] ts2l = {0.1, 0.4, -0.3};
    double[] e = SensorToLidar.extrinsics(rs2l, ts2l);
    double[] rl2c = Geometry.inverse3(rs2l);
    double[] tl2c = Geometry.times(rl2c, ts2l);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        assertEquals(rl2c[i * 3 + j], e[j * 4 + i], 0); // E[0:3,0:3] = R_l2c^T
      }
      assertEquals(-tl2c[i], e[12 + i], 1e-15); // E[3,0:3] = -(R_l2c t)^T
      assertEquals(0, e[i * 4 + 3], 0);
    }
    double[] k = {1000, 0, 800, 0, 1000, 450, 0, 0, 1};
    double[] l2i = SensorToLidar.lidar2img(SensorToLidar.viewpad(k), e);
    double[] p = {ts2l[0] + rs2l[2], ts2l[1] + rs2l[5], ts2l[2] + rs2l[8]}; // camera (0,0,1)
    double[] uvd = new double[4];
    for (int i = 0; i < 4; i++) {
      uvd[i] = l2i[i * 4] * p[0] + l2i[i * 4 + 1] * p[1] + l2i[i * 4 + 2] * p[2] + l2i[i * 4 + 3];
    }
    assertArrayEquals(new double[] {800, 450, 1, 1}, uvd, 1e-9); // optical axis -> principal point
  }
}
