package dev.nuload.nuscenes.petr;

import java.util.SplittableRandom;

/**
 * Draws the {@link AugmentParams} of a sample from (seed, epoch, sample index) only, so a sample's
 * augmentation does not depend on worker count, thread or timing. The three numbers are mixed with
 * the SplitMix64 finaliser into the seed of a fresh {@link SplittableRandom}; the draws then follow
 * the order of spec 3.7: sweep choice (one U(0,1), one index), resize ratio, bottom crop
 * percentage, crop offset, flip coin, rotation (always drawn, 0 in every config served), global
 * rotation, global scale. Distributions match PETR's; the random streams do not (cross-language RNG
 * parity is not a goal).
 */
public final class PetrAugmentation {
  private PetrAugmentation() {}

  /**
   * Returns the seed of the random stream of one sample.
   *
   * @param seed run seed.
   * @param epoch epoch number.
   * @param sampleIndex index of the sample in the dataset.
   * @return a well-mixed 64-bit seed.
   */
  public static long streamSeed(long seed, int epoch, long sampleIndex) {
    long h = mix64(seed + 0x9E3779B97F4A7C15L);
    h = mix64(h ^ (epoch * 0xBF58476D1CE4E5B9L + 0x632BE59BD9B4E019L));
    return mix64(h ^ (sampleIndex * 0x94D049BB133111EBL + 0x2545F4914F6CDD1DL));
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Draws the parameters of one sample.
   *
   * @param config pipeline settings.
   * @param seed run seed.
   * @param epoch epoch number.
   * @param sampleIndex dataset index of the sample.
   * @param train training (random) or test (fixed) parameters.
   * @param sweepCount length of the sample's camera sweep list.
   * @return the parameters.
   */
  public static AugmentParams draw(
      PetrConfig config, long seed, int epoch, long sampleIndex, boolean train, int sweepCount) {
    if (!train) {
      return test(config, sweepCount);
    }
    SplittableRandom rng = new SplittableRandom(streamSeed(seed, epoch, sampleIndex));
    int sweepChoice = -1;
    if (config.frames() > 1 && sweepCount > 0) {
      double gate = rng.nextDouble(); // prob = 1.0: always below
      assert gate < 1.0;
      if (sweepCount <= config.frames() - 1) {
        sweepChoice = 0;
      } else {
        int lo = config.sweepRangeMin();
        int hi =
            lo < sweepCount ? Math.min(config.sweepRangeMax(), sweepCount) : config.sweepRangeMax();
        sweepChoice = lo + rng.nextInt(hi - lo);
      }
    }
    double r = uniform(rng, config.resizeMin(), config.resizeMax());
    int newW = (int) (config.sourceWidth() * r);
    int newH = (int) (config.sourceHeight() * r);
    double botPct = uniform(rng, config.botPctMin(), config.botPctMax());
    int cropH = (int) ((1 - botPct) * newH) - config.finalHeight();
    int cropW = (int) uniform(rng, 0, Math.max(0, newW - config.finalWidth()));
    boolean flip = config.randFlip() && rng.nextInt(2) == 1;
    uniform(rng, 0, 0); // ResizeCropFlipImage rot: rot_lim is (0, 0), fromJson refuses others
    double theta = uniform(rng, config.globalRotMin(), config.globalRotMax());
    double scale = uniform(rng, config.scaleMin(), config.scaleMax());
    return new AugmentParams(r, newW, newH, cropW, cropH, flip, sweepChoice, theta, scale);
  }

  /**
   * Returns the fixed test/validation parameters (spec 3.3.6 test branch, sweep index 14).
   *
   * @param config pipeline settings.
   * @param sweepCount length of the sample's camera sweep list.
   * @return the parameters; rotation 0, scale 1.
   */
  public static AugmentParams test(PetrConfig config, int sweepCount) {
    double r =
        Math.max(
            (double) config.finalHeight() / config.sourceHeight(),
            (double) config.finalWidth() / config.sourceWidth());
    int newW = (int) (config.sourceWidth() * r);
    int newH = (int) (config.sourceHeight() * r);
    double botMean = (config.botPctMin() + config.botPctMax()) / 2;
    int cropH = (int) ((1 - botMean) * newH) - config.finalHeight();
    int cropW = (int) (Math.max(0, newW - config.finalWidth()) / 2.0);
    int sweepChoice = -1;
    if (config.frames() > 1 && sweepCount > 0) {
      sweepChoice =
          sweepCount <= config.frames() - 1
              ? 0
              : (config.sweepRangeMin() + config.sweepRangeMax()) / 2 - 1;
    }
    return new AugmentParams(r, newW, newH, cropW, cropH, false, sweepChoice, 0.0, 1.0);
  }

  private static double uniform(SplittableRandom rng, double lo, double hi) {
    return lo + (hi - lo) * rng.nextDouble();
  }
}
