package dev.nuload.nuscenes.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.Splits;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The samples per scene and per split of the default options: those of the release. */
class SampleCountsTest {
  /** nuscenes-spec.md 1.3: the sample row of the record-count table. */
  private static final Map<NuScenesVersion, Integer> RELEASE_TOTAL =
      Map.of(
          NuScenesVersion.MINI, 404, NuScenesVersion.TRAINVAL, 34_149, NuScenesVersion.TEST, 6_008);

  /** nuscenes-spec.md 1.3: "Derived: samples per split". */
  private static final Map<String, Integer> RELEASE_SPLIT =
      Map.of("mini_train", 323, "mini_val", 81, "train", 28_130, "val", 6_019, "test", 6_008);

  private static final long[] SEEDS = {0, 1, 7, 42, -5, Long.MIN_VALUE, Long.MAX_VALUE};

  @TempDir Path dir;

  private static Map<String, Integer> perSplit(NuScenesVersion v, List<String> names, int[] k) {
    Map<String, Integer> sums = new LinkedHashMap<>();
    for (String split : v.splits()) {
      sums.put(split, 0);
      for (int i = 0; i < k.length; i++) {
        if (Splits.scenes(split).contains(names.get(i))) {
          sums.merge(split, k[i], Integer::sum);
        }
      }
    }
    return sums;
  }

  @Test
  void shouldGiveEveryFullSplitTheReleaseSamplesForAnySeed() {
    for (NuScenesVersion v : NuScenesVersion.values()) {
      List<String> names = DatasetPlan.sceneNames(v, v.officialSceneCount());
      for (long seed : SEEDS) {
        int[] k = SampleCounts.plan(v, names, seed);
        String what = v.dirName() + " seed " + seed;
        assertEquals(v.officialSceneCount(), k.length, what);
        assertEquals((int) RELEASE_TOTAL.get(v), Arrays.stream(k).sum(), what);
        for (var e : perSplit(v, names, k).entrySet()) {
          assertEquals(RELEASE_SPLIT.get(e.getKey()), e.getValue(), what + " " + e.getKey());
        }
        assertTrue(Arrays.stream(k).allMatch(n -> n >= 38 && n <= 41), what);
      }
    }
  }

  @Test
  void shouldPlanTheSameCountsForTheSameSeedOnly() {
    List<String> names = DatasetPlan.sceneNames(NuScenesVersion.TRAINVAL, 850);
    int[] a = SampleCounts.plan(NuScenesVersion.TRAINVAL, names, 11);
    assertArrayEquals(a, SampleCounts.plan(NuScenesVersion.TRAINVAL, names, 11));
    assertFalse(Arrays.equals(a, SampleCounts.plan(NuScenesVersion.TRAINVAL, names, 12)));
    Map<Integer, Integer> histogram = new HashMap<>();
    for (int n : a) {
      histogram.merge(n, 1, Integer::sum);
    }
    assertEquals(4, histogram.size(), "every length from 38 to 41 occurs: " + histogram);
  }

  @Test
  void shouldScaleTheReleaseCountToASubsetOfASplit() {
    assertEquals(2_813, SampleCounts.target("train", 70)); // 28,130 x 70 / 700
    assertEquals(602, SampleCounts.target("val", 15)); // 6,019 x 15 / 150 = 601.9
    assertEquals(40, SampleCounts.target("mini_train", 1)); // 40.375
    assertEquals(41, SampleCounts.target("mini_val", 1)); // 40.5, rounded up
    assertEquals(0, SampleCounts.target("test", 0));
    List<String> names = DatasetPlan.sceneNames(NuScenesVersion.TRAINVAL, 85);
    Map<String, Integer> sums =
        perSplit(
            NuScenesVersion.TRAINVAL, names, SampleCounts.plan(NuScenesVersion.TRAINVAL, names, 3));
    assertEquals(Map.of("train", 2_813, "val", 602), sums);
    assertThrows(IllegalArgumentException.class, () -> SampleCounts.target("train", 701));
    assertThrows(IllegalArgumentException.class, () -> SampleCounts.target("train_detect", 1));
  }

  @Test
  void shouldPlanEveryDefaultSceneAndLetSamplesPerSceneWin() {
    SynthOptions.Builder b = SynthOptions.builder(dir).version(NuScenesVersion.TRAINVAL).seed(5);
    DatasetPlan plan = DatasetPlan.of(b.build());
    List<String> names = plan.scenes.stream().map(DatasetPlan.ScenePlan::name).toList();
    int[] want = SampleCounts.plan(NuScenesVersion.TRAINVAL, names, 5);
    for (DatasetPlan.ScenePlan s : plan.scenes) {
      assertEquals(want[s.index()], s.samples(), s.name());
    }
    for (DatasetPlan.ScenePlan s : DatasetPlan.of(b.samplesPerScene(12).build()).scenes) {
      assertEquals(12, s.samples(), s.name());
    }
  }

  private static Map<String, Integer> generatedPerSplit(NuScenesVersion v, Path tables) {
    JsonTables t = new JsonTables(tables);
    Map<String, Integer> bySample = new HashMap<>();
    for (Map<String, Object> s : t.table("sample")) {
      bySample.merge((String) s.get("scene_token"), 1, Integer::sum);
    }
    Map<String, Integer> sums = new LinkedHashMap<>();
    for (Map<String, Object> sc : t.table("scene")) {
      int n = ((Number) sc.get("nbr_samples")).intValue();
      assertEquals(n, bySample.get((String) sc.get("token")), (String) sc.get("name"));
      String split =
          v.splits().stream()
              .filter(sp -> Splits.scenes(sp).contains(sc.get("name")))
              .findFirst()
              .orElseThrow();
      sums.merge(split, n, Integer::sum);
    }
    assertEquals(
        sums.values().stream().mapToInt(Integer::intValue).sum(), t.table("sample").size());
    return sums;
  }

  @Test
  void shouldGenerateMiniWithTheReleaseSamplesPerSplit() {
    SynthReport r =
        SyntheticDataset.generate(
            SynthOptions.builder(dir).seed(9).sensorFiles(false).threads(2).build(), line -> {});
    assertEquals(404, r.records("sample"));
    assertEquals(
        Map.of("mini_train", 323, "mini_val", 81),
        generatedPerSplit(NuScenesVersion.MINI, r.tablesDir()));
  }

  @Test
  void shouldGenerateTestWithTheReleaseSamples() {
    SynthReport r =
        SyntheticDataset.generate(
            SynthOptions.builder(dir)
                .version(NuScenesVersion.TEST)
                .seed(4)
                .sensorFiles(false)
                .threads(2)
                .build(),
            line -> {});
    assertEquals(6_008, r.records("sample"));
    assertEquals(Map.of("test", 6_008), generatedPerSplit(NuScenesVersion.TEST, r.tablesDir()));
  }
}
