package dev.nuload.nuscenes.petr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PetrAugmentationTest {
  final PetrConfig v2 = PetrConfig.petrv2_800x320();

  @Test
  void shouldUseTheFixedTestParameters() {
    AugmentParams p = PetrAugmentation.draw(v2, 1, 2, 3, /*train*/ false, 30);
    assertEquals(0.5, p.resizeRatio());
    assertEquals(800, p.resizeWidth());
    assertEquals(450, p.resizeHeight());
    assertEquals(0, p.cropLeft());
    assertEquals(130, p.cropTop());
    assertFalse(p.flip());
    assertEquals(14, p.sweepChoice());
    assertEquals(0.0, p.rotation());
    assertEquals(1.0, p.scale());
  }

  @Test
  void shouldDrawTheSameParametersForTheSameSeedEpochAndIndex() {
    assertEquals(
        PetrAugmentation.draw(v2, 7, 3, 12345, true, 30),
        PetrAugmentation.draw(v2, 7, 3, 12345, true, 30));
  }

  @Test
  void shouldDrawOtherParametersInAnotherEpochOrForAnotherSample() {
    AugmentParams a = PetrAugmentation.draw(v2, 7, 3, 12345, true, 30);
    assertNotEquals(a, PetrAugmentation.draw(v2, 7, 4, 12345, true, 30));
    assertNotEquals(a, PetrAugmentation.draw(v2, 7, 3, 12346, true, 30));
    assertNotEquals(a, PetrAugmentation.draw(v2, 8, 3, 12345, true, 30));
  }

  @Test
  void shouldKeepTrainingDrawsInsideTheConfiguredRanges() {
    Set<Boolean> flips = new HashSet<>();
    Set<Integer> sweeps = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      AugmentParams p = PetrAugmentation.draw(v2, 0, 0, i, true, 30);
      assertTrue(p.resizeRatio() >= 0.47 && p.resizeRatio() < 0.625, "" + p);
      assertEquals((int) (1600 * p.resizeRatio()), p.resizeWidth());
      assertEquals(p.resizeHeight() - 320, p.cropTop());
      assertTrue(p.cropTop() >= 103 && p.cropTop() <= 242, "" + p);
      assertTrue(p.cropLeft() >= 0 && p.cropLeft() <= Math.max(0, p.resizeWidth() - 800));
      assertTrue(Math.abs(p.rotation()) <= 0.3925);
      assertTrue(p.scale() >= 0.95 && p.scale() <= 1.05);
      assertTrue(p.sweepChoice() >= 3 && p.sweepChoice() < 27, "" + p);
      flips.add(p.flip());
      sweeps.add(p.sweepChoice());
    }
    assertEquals(2, flips.size());
    assertEquals(24, sweeps.size());
  }

  @Test
  void shouldDrawSweepsFromTheShortListOnly() {
    for (int i = 0; i < 200; i++) {
      int c = PetrAugmentation.draw(v2, 0, 0, i, true, 6).sweepChoice();
      assertTrue(c >= 3 && c < 6, "choice " + c);
    }
  }

  @Test
  void shouldDrawNoSweepForOneFrameOrAnEmptyList() {
    assertEquals(-1, PetrAugmentation.draw(v2, 0, 0, 1, true, 0).sweepChoice());
    assertEquals(
        -1, PetrAugmentation.draw(PetrConfig.petrv1_800x320(), 0, 0, 1, true, 30).sweepChoice());
  }
}
