package dev.nuload.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ShardSamplerTest {
  @Test
  void shouldPadByRepeatingTheStartOfTheList() {
    // torch: n=10, W=4 -> 12 entries [0..9, 0, 1]; rank 2 takes 2, 6, 0
    assertArrayEquals(new int[] {2, 6, 0}, new ShardSampler(10, 2, 4, false, 0, false).indices(0));
    assertArrayEquals(new int[] {3, 7, 1}, new ShardSampler(10, 3, 4, false, 0, false).indices(0));
  }

  @Test
  void shouldPadCyclicallyWhenTheListIsShorterThanThePadding() {
    // n=2, W=5: [0, 1, 0, 1, 0]
    int[] got = new int[5];
    for (int r = 0; r < 5; r++) {
      got[r] = new ShardSampler(2, r, 5, false, 0, false).indices(0)[0];
    }
    assertArrayEquals(new int[] {0, 1, 0, 1, 0}, got);
  }

  @Test
  void shouldDropTheTailWithDropLast() {
    assertArrayEquals(new int[] {1, 5}, new ShardSampler(10, 1, 4, false, 0, true).indices(0));
    assertEquals(2, new ShardSampler(10, 1, 4, false, 0, true).samplesPerRank());
  }

  @Test
  void shouldCoverTheDatasetOncePerEpochAcrossRanks() {
    for (int epoch = 0; epoch < 3; epoch++) {
      int[] seen = new int[12];
      for (int r = 0; r < 3; r++) {
        for (int i : new ShardSampler(12, r, 3, true, 42, false).indices(epoch)) {
          seen[i]++;
        }
      }
      int[] once = new int[12];
      Arrays.fill(once, 1);
      assertArrayEquals(once, seen);
    }
  }

  @Test
  void shouldShuffleDeterministicallyAndDifferentlyPerEpoch() {
    ShardSampler s = new ShardSampler(50, 0, 1, true, 7, false);
    assertArrayEquals(s.order(3), new ShardSampler(50, 0, 1, true, 7, false).order(3));
    assertFalse(Arrays.equals(s.order(0), s.order(1)));
    int[] sorted = s.order(0).clone();
    Arrays.sort(sorted);
    assertArrayEquals(new ShardSampler(50, 0, 1, false, 7, false).order(0), sorted);
  }
}
