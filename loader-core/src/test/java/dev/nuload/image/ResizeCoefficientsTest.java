package dev.nuload.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResizeCoefficientsTest {
  // values computed with Pillow 12.3 (Image.fromarray(line, 'L').resize((n, 1), filter))
  static final int[] LINE = {
    0, 10, 250, 30, 40, 200, 60, 70, 255, 90, 100, 5, 120, 130, 140, 150, 255, 0, 20, 33
  };

  @Test
  void shouldMatchPillowBicubicOnAShrunkLine() {
    int[] got = new ResizeCoefficients(20, 7, ResampleFilter.BICUBIC).apply(LINE);
    assertArrayEquals(new int[] {69, 99, 126, 105, 98, 163, 36}, got);
  }

  @Test
  void shouldMatchPillowBilinearOnAShrunkLine() {
    int[] got = new ResizeCoefficients(20, 11, ResampleFilter.BILINEAR).apply(LINE);
    assertArrayEquals(new int[] {24, 133, 78, 102, 157, 102, 65, 131, 171, 87, 25}, got);
  }

  @Test
  void shouldInterpolateLinearlyBetweenTwoSamplesWithoutWidening() {
    ResizeCoefficients c = new ResizeCoefficients(1000, 880, ResampleFilter.LINEAR);
    int[] ramp = new int[1000];
    for (int i = 0; i < ramp.length; i++) {
      ramp[i] = i / 4;
    }
    int[] out = c.apply(ramp);
    for (int o = 0; o < 880; o++) {
      assertTrue(c.taps(o) <= 3, "taps " + c.taps(o));
      double centre = (o + 0.5) * 1000 / 880 - 0.5; // input coordinate of the output centre
      double want = Math.min(999, Math.max(0, centre)) / 4;
      assertTrue(Math.abs(out[o] - want) <= 1.0, "output " + o + ": " + out[o] + " vs " + want);
    }
  }

  @Test
  void shouldWidenTheKernelWhenShrinking() {
    ResizeCoefficients c = new ResizeCoefficients(1600, 800, ResampleFilter.BICUBIC);
    // support 2 * scale 2 = 4 input pixels each side: 8 taps inside the image
    assertEquals(8, c.taps(400));
  }

  @Test
  void shouldKeepWeightsSummingToOneInFixedPoint() {
    ResizeCoefficients c = new ResizeCoefficients(1600, 880, ResampleFilter.BICUBIC);
    for (int o = 0; o < 880; o++) {
      long sum = 0;
      for (int k = 0; k < c.taps(o); k++) {
        sum += c.weight(o, k);
      }
      assertTrue(Math.abs(sum - (1L << 22)) <= c.taps(o), "output " + o + " sums to " + sum);
    }
  }
}
