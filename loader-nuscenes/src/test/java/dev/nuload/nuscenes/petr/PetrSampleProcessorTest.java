package dev.nuload.nuscenes.petr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nuload.BadDataException;
import dev.nuload.image.ImageIoJpegDecoder;
import dev.nuload.image.TensorDType;
import dev.nuload.image.TurboJpegDecoder;
import dev.nuload.nuscenes.info.Geometry;
import dev.nuload.nuscenes.info.InfoRecord;
import dev.nuload.nuscenes.info.InfoRecord.SensorEntry;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-sample pipeline on the real scene-0523 keyframes (rows 0 and 1 have their images). */
class PetrSampleProcessorTest {
  final Arena arena = Arena.ofShared();

  @AfterEach
  void close() {
    arena.close();
  }

  static InfoRecord row(int i) {
    return PetrFixtures.scene0523().get(i);
  }

  MemorySegment run(PetrConfig c, InfoRecord info, long idx, long seed, int epoch, boolean train) {
    MemorySegment dst = arena.allocate(c.imageBytes(), 64);
    try (PetrSampleProcessor p = new PetrSampleProcessor(c, PetrFixtures.dataroot())) {
      p.process(info, idx, seed, epoch, train, dst);
    }
    return dst;
  }

  SampleResult result(PetrConfig c, InfoRecord info, long idx, boolean train) {
    MemorySegment dst = arena.allocate(c.imageBytes(), 64);
    try (PetrSampleProcessor p = new PetrSampleProcessor(c, PetrFixtures.dataroot())) {
      return p.process(info, idx, 11, 2, train, dst);
    }
  }

  @Test
  void shouldWriteTheSameTensorForTheSameSeedEpochAndIndexOnAnyThread() throws Exception {
    PetrConfig c = PetrConfig.petrv2_800x320().withDtype(TensorDType.UINT8);
    MemorySegment a = run(c, row(0), 0, 5, 1, true);
    MemorySegment b = CompletableFuture.supplyAsync(() -> run(c, row(0), 0, 5, 1, true)).get();
    assertEquals(-1L, a.mismatch(b));
  }

  @Test
  void shouldWriteAnotherTensorInAnotherEpoch() {
    PetrConfig c = PetrConfig.petrv2_800x320().withDtype(TensorDType.UINT8);
    assertNotEquals(-1L, run(c, row(0), 0, 5, 1, true).mismatch(run(c, row(0), 0, 5, 2, true)));
  }

  @Test
  void shouldWriteFloat32ThatIsTheNormalisedUint8() {
    PetrConfig f = PetrConfig.petrv1_800x320();
    MemorySegment u8 = run(f.withDtype(TensorDType.UINT8), row(1), 1, 3, 0, true);
    MemorySegment f32 = run(f, row(1), 1, 3, 0, true);
    float[][] lut = f.normalization().table();
    long plane = 320 * 800;
    for (long i = 0; i < 6 * 3 * plane; i += 997) {
      int c = (int) ((i / plane) % 3);
      int v = u8.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
      assertEquals(lut[c][v], f32.getAtIndex(ValueLayout.JAVA_FLOAT, i), "element " + i);
    }
  }

  @Test
  void shouldRepeatTheCurrentFrameWhenTheSweepListIsEmpty() {
    PetrConfig c = PetrConfig.petrv2_800x320().withDtype(TensorDType.UINT8);
    InfoRecord first = row(0);
    assertEquals(0, first.cameraSweeps().size());
    MemorySegment dst = arena.allocate(c.imageBytes(), 64);
    SampleResult r;
    try (PetrSampleProcessor p = new PetrSampleProcessor(c, PetrFixtures.dataroot())) {
      r = p.process(first, 0, 1, 0, true, dst);
    }
    long half = c.imageBytes() / 2;
    assertEquals(-1L, MemorySegment.mismatch(dst, 0, half, dst, half, 2 * half));
    for (int v = 0; v < 6; v++) {
      assertEquals(r.timestamps()[v] + 1.245, r.timestamps()[v + 6], 1e-9);
      assertArrayEquals(r.lidar2img()[v], r.lidar2img()[v + 6], 0);
    }
    assertEquals(-1, r.sweepIndex());
  }

  @Test
  void shouldTakeThePreviousKeyframeForTestIndex14WhenTheListHasSixEntries() {
    InfoRecord second = row(1);
    assertEquals(6, second.cameraSweeps().size());
    SampleResult r = result(PetrConfig.petrv2_800x320(), second, 1, false);
    assertEquals(5, r.sweepIndex());
    // the previous keyframe's images are row 0's
    for (int c = 0; c < 6; c++) {
      assertEquals(row(0).cams().get(c).dataPath(), r.filenames().get(6 + c));
      assertTrue(
          r.timestamps()[6 + c] > 0.4 && r.timestamps()[6 + c] < 0.6, "" + r.timestamps()[6 + c]);
    }
  }

  @Test
  void shouldMatchTheSpecLidar2imgChainToOneMillionth() {
    InfoRecord info = row(1);
    SampleResult r = result(PetrConfig.petrv2_800x320(), info, 1, false);
    // spec 5.1: K4 * inv(T_cam2ego) * inv(T_ego2global(cam)) * T_ego2global(lidar) * T_lidar2ego,
    // then the test ida [[0.5, 0, 0], [0, 0.5, -130], [0, 0, 1]] on K (spec 3.8)
    double[] lidar =
        Geometry.mul4(
            rigid(info.ego2globalRotation(), info.ego2globalTranslation()),
            rigid(info.lidar2egoRotation(), info.lidar2egoTranslation()));
    for (int c = 0; c < 6; c++) {
      SensorEntry cam = info.cams().get(c);
      double[] camToGlobal =
          Geometry.mul4(
              rigid(cam.ego2globalRotation(), cam.ego2globalTranslation()),
              rigid(cam.sensor2egoRotation(), cam.sensor2egoTranslation()));
      double[] l2c = Geometry.mul4(invertRigid(camToGlobal), lidar);
      double[] k = cam.camIntrinsic();
      double[] k4 = {
        0.5 * k[0],
        0.5 * k[1],
        0.5 * k[2],
        0,
        0.5 * k[3],
        0.5 * k[4],
        0.5 * k[5] - 130 * k[8],
        0,
        k[6],
        k[7],
        k[8],
        0,
        0,
        0,
        0,
        1
      };
      double[] want = Geometry.mul4(k4, l2c);
      for (int i = 0; i < 16; i++) {
        double tol = 1e-6 * Math.max(1, Math.abs(want[i]));
        assertEquals(want[i], r.lidar2img()[c][i], tol, cam.type() + " element " + i);
      }
    }
  }

  @Test
  void shouldProjectAugmentedBoxesOntoTheSamePixelsAsUnaugmentedOnes() {
    PetrConfig c = PetrConfig.petrv2_800x320();
    InfoRecord info = row(1);
    AugmentParams train = PetrAugmentation.draw(c, 9, 4, 1, true, info.cameraSweeps().size());
    assertTrue(train.rotation() != 0 && train.scale() != 1);
    SampleResult aug;
    SampleResult plain;
    try (PetrSampleProcessor p = new PetrSampleProcessor(c, PetrFixtures.dataroot())) {
      MemorySegment dst = arena.allocate(c.imageBytes(), 64);
      aug = p.process(info, train, true, dst);
      plain = p.process(info, train, false, dst);
    }
    assertTrue(aug.targets().size() > 10);
    int inImage = 0;
    for (int v = 0; v < 12; v++) {
      for (int b = 0; b < aug.targets().size(); b++) {
        double[] ca = PetrGeometry.corners(aug.targets().boxes(), b);
        double[] cp = PetrGeometry.corners(plain.targets().boxes(), b);
        for (int k = 0; k < 8; k++) {
          double[] pa =
              PetrGeometry.project(aug.lidar2img()[v], ca[3 * k], ca[3 * k + 1], ca[3 * k + 2]);
          double[] pp =
              PetrGeometry.project(plain.lidar2img()[v], cp[3 * k], cp[3 * k + 1], cp[3 * k + 2]);
          if (pp[2] > 1) {
            assertEquals(pp[0], pa[0], 1e-6);
            assertEquals(pp[1], pa[1], 1e-6);
            if (pp[0] >= 0 && pp[0] < 800 && pp[1] >= 0 && pp[1] < 320) {
              inImage++;
            }
          }
        }
      }
    }
    assertTrue(inImage > 50, "corners in view: " + inImage);
  }

  @Test
  void shouldDecodeWithTheImageIoFallbackAlmostLikeTurboJpeg() {
    assumeTrue(TurboJpegDecoder.isAvailable(), "libturbojpeg.so.0 not installed");
    PetrConfig c = PetrConfig.petrv1_800x320().withDtype(TensorDType.UINT8);
    MemorySegment turbo = run(c, row(1), 1, 0, 0, false);
    MemorySegment io = arena.allocate(c.imageBytes(), 64);
    try (PetrSampleProcessor p =
        new PetrSampleProcessor(c, PetrFixtures.dataroot(), new ImageIoJpegDecoder())) {
      assertEquals("imageio", p.decoderName());
      p.process(row(1), 1, 0, 0, false, io);
    }
    long sum = 0;
    for (long i = 0; i < c.imageBytes(); i++) {
      sum +=
          Math.abs(
              (turbo.get(ValueLayout.JAVA_BYTE, i) & 0xFF)
                  - (io.get(ValueLayout.JAVA_BYTE, i) & 0xFF));
    }
    assertTrue((double) sum / c.imageBytes() < 0.5, "mean abs " + (double) sum / c.imageBytes());
  }

  @Test
  void shouldStayCloseToTheExactModeInFastMode() {
    PetrConfig c = PetrConfig.petrv2_800x320().withDtype(TensorDType.UINT8);
    for (long epoch = 0; epoch < 3; epoch++) { // resize ratios on both sides of 0.5
      MemorySegment exact = run(c.withMode(ImageMode.EXACT), row(0), 0, 13, (int) epoch, true);
      MemorySegment fast = run(c.withMode(ImageMode.FAST), row(0), 0, 13, (int) epoch, true);
      PetrPreview.ModeDifference d = PetrPreview.compare(exact, fast, c);
      assertTrue(d.psnrDb() > 33 && d.meanAbs() < 3, "epoch " + epoch + ": " + d);
    }
  }

  @Test
  void shouldServeA600x240ConfigInBothModesWithZeroPadding() {
    PetrConfig c = PetrFixtures.petr600x240().withFrames(2).withDtype(TensorDType.UINT8);
    assertEquals(12L * 3 * 256 * 608, c.imageBytes());
    // resize widths 576 (black columns 576..599), 600 (the test pipeline) and 768, flipped or not
    for (double r : new double[] {0.36, 0.375, 0.48}) {
      int w = (int) (1600 * r);
      int h = (int) (900 * r);
      AugmentParams p =
          new AugmentParams(
              r, w, h, (w - 600) / 3 * (w > 600 ? 1 : 0), h - 240, r != 0.375, 5, 0.1, 0.98);
      MemorySegment exact = arena.allocate(c.imageBytes(), 64);
      MemorySegment fast = arena.allocate(c.imageBytes(), 64);
      try (PetrSampleProcessor pe =
              new PetrSampleProcessor(c.withMode(ImageMode.EXACT), PetrFixtures.dataroot());
          PetrSampleProcessor pf =
              new PetrSampleProcessor(c.withMode(ImageMode.FAST), PetrFixtures.dataroot())) {
        pe.process(row(1), p, true, exact);
        pf.process(row(1), p, true, fast);
      }
      PetrPreview.ModeDifference d = PetrPreview.compare(exact, fast, c);
      assertTrue(d.psnrDb() > 33 && d.meanAbs() < 3, "r " + r + ": " + d);
      // zero: the padding (rows 240.., columns 600..) and, for a resize narrower than 600, the
      // crop's columns past the image (on the left once flipped)
      int black = Math.max(0, 600 - w);
      for (MemorySegment img : new MemorySegment[] {exact, fast}) {
        for (long plane = 0; plane < 12 * 3; plane++) {
          for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 608; x++) {
              boolean band = p.flip() ? x < black : x >= 600 - black;
              if (y >= 240 || x >= 600 || band) {
                assertEquals(0, img.get(ValueLayout.JAVA_BYTE, (plane * 256 + y) * 608 + x));
              }
            }
          }
        }
      }
    }
  }

  @Test
  void shouldNameTheMissingImageFile() {
    PetrConfig c = PetrConfig.petrv1_800x320();
    BadDataException e = assertThrows(BadDataException.class, () -> run(c, row(5), 5, 0, 0, false));
    assertTrue(e.getMessage().contains(row(5).cams().get(0).dataPath()), e.getMessage());
    assertTrue(e.getMessage().contains("cannot read image"), e.getMessage());
  }

  @Test
  void shouldRefuseADestinationThatIsTooSmall() {
    PetrConfig c = PetrConfig.petrv1_800x320();
    MemorySegment small = arena.allocate(c.imageBytes() - 1);
    try (PetrSampleProcessor p = new PetrSampleProcessor(c, PetrFixtures.dataroot())) {
      assertThrows(IllegalArgumentException.class, () -> p.process(row(1), 1, 0, 0, false, small));
    }
  }

  static double[] rigid(double[] q, double[] t) {
    double[] r = Geometry.rotation(q);
    return new double[] {
      r[0], r[1], r[2], t[0], r[3], r[4], r[5], t[1], r[6], r[7], r[8], t[2], 0, 0, 0, 1
    };
  }

  static double[] invertRigid(double[] m) {
    double[] inv = new double[16];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        inv[i * 4 + j] = m[j * 4 + i];
      }
      inv[i * 4 + 3] = -(m[i] * m[3] + m[4 + i] * m[7] + m[8 + i] * m[11]);
    }
    inv[15] = 1;
    return inv;
  }
}
