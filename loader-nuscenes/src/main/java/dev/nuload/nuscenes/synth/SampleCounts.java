package dev.nuload.nuscenes.synth;

import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.Splits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Samples per scene when the options leave it open: every split of the version gets the release's
 * sample count, spread over its scenes at {@value #MIN} to {@value #MAX} each.
 *
 * <p>Each scene first draws {@value #MIN}-{@value #MAX}; then, split by split, scenes picked at
 * random gain or lose one sample (staying within {@value #MIN}-{@value #MAX}) until the split holds
 * its target. All draws come from one stream of the seed, so the counts depend on the seed and the
 * scene list only, never on the thread count.
 */
final class SampleCounts {
  /** Fewest samples a planned scene holds. */
  static final int MIN = 38;

  /** Most samples a planned scene holds. */
  static final int MAX = 41;

  /**
   * Samples per split in the release (nuscenes-spec.md 1.3, "Derived: samples per split"; the
   * version totals 404, 34,149 and 6,008 are its table's sample row).
   */
  static final Map<String, Integer> RELEASE =
      Map.of("mini_train", 323, "mini_val", 81, "train", 28_130, "val", 6_019, "test", 6_008);

  /** Stream id of the count draws, next to -1 (the plan) and -2 (the maps). */
  private static final long STREAM = -3;

  private SampleCounts() {}

  /**
   * Returns the samples {@code n} scenes of a split hold: the release's count when {@code n} is the
   * whole split, otherwise that count scaled to {@code n} scenes and rounded (the release's mean
   * per scene), kept within {@value #MIN}-{@value #MAX} per scene.
   *
   * @param split an official split name with a release count.
   * @param n scenes of that split to generate, 0 to the split's size.
   * @return the samples those scenes hold together.
   */
  static int target(String split, int n) {
    Integer all = RELEASE.get(split);
    int size = Splits.scenes(split).size();
    if (all == null || n < 0 || n > size) {
      throw new IllegalArgumentException("no release count for " + n + " scenes of " + split);
    }
    if (n == size) {
      return all;
    }
    long scaled = Math.round((double) all * n / size);
    return (int) Math.max((long) MIN * n, Math.min((long) MAX * n, scaled));
  }

  /**
   * Plans the samples of every scene.
   *
   * @param version the version the scenes belong to.
   * @param names the scene names, each in one of the version's splits, in output order.
   * @param seed the dataset seed.
   * @return samples per scene, in the order of {@code names}.
   */
  static int[] plan(NuScenesVersion version, List<String> names, long seed) {
    SplittableRandom rng = new SplittableRandom(DatasetPlan.mix(seed, STREAM));
    int[] k = new int[names.size()];
    for (int i = 0; i < k.length; i++) {
      k[i] = MIN + rng.nextInt(MAX - MIN + 1);
    }
    int placed = 0;
    for (String split : version.splits()) {
      Set<String> members = new HashSet<>(Splits.scenes(split));
      List<Integer> idx = new ArrayList<>();
      long sum = 0;
      for (int i = 0; i < k.length; i++) {
        if (members.contains(names.get(i))) {
          idx.add(i);
          sum += k[i];
        }
      }
      placed += idx.size();
      int want = target(split, idx.size());
      while (sum != want) {
        int i = idx.get(rng.nextInt(idx.size()));
        if (sum < want && k[i] < MAX) {
          k[i]++;
          sum++;
        } else if (sum > want && k[i] > MIN) {
          k[i]--;
          sum--;
        }
      }
    }
    if (placed != names.size()) {
      throw new IllegalArgumentException("scenes outside the splits of " + version.dirName());
    }
    return k;
  }
}
