package dev.nuload.nuscenes.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nuload.nuscenes.NuScenesVersion;
import dev.nuload.nuscenes.table.NuScenesTables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Java records against the numpy reference converter (reference_infos.py), field by field. */
class InfoParityTest {
  @TempDir Path tmp;

  private static InfoParity compare(Path root, NuScenesVersion version, String split, Path tmp) {
    List<Map<String, Object>> expected =
        InfoFixtures.reference(root, version.dirName(), split, tmp);
    InfoBuilder builder =
        new InfoBuilder(
            NuScenesTables.load(root.resolve(version.dirName())),
            version,
            InfoOptions.defaults().withThreads(2).withChunkSize(7));
    List<InfoRecord> actual = new ArrayList<>();
    builder.build(split, actual::add);
    InfoParity parity = new InfoParity();
    parity.count(split + " records", expected.size(), actual.size());
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      parity.record(split + "[" + i + "]", expected.get(i), actual.get(i));
    }
    System.out.println(
        "parity "
            + root.getFileName()
            + " "
            + version.dirName()
            + " "
            + split
            + ": "
            + expected.size()
            + " records, "
            + parity.summary());
    return parity;
  }

  @Test
  void shouldMatchReferenceForRealScene0523() {
    InfoParity p = compare(InfoFixtures.real("scene-0523"), NuScenesVersion.TRAINVAL, "val", tmp);
    assertTrue(p.diffs.isEmpty(), p.summary());
    assertTrue(p.doubles > 100_000, "compared " + p.doubles + " doubles");
  }

  @Test
  void shouldMatchReferenceForSyntheticMiniTrain() {
    InfoFixtures.assumePython();
    Path root = InfoFixtures.synth(tmp.resolve("mini"), NuScenesVersion.MINI, 2);
    InfoParity p = compare(root, NuScenesVersion.MINI, "mini_train", tmp);
    assertTrue(p.diffs.isEmpty(), p.summary());
  }

  @Test
  void shouldMatchReferenceForSyntheticMiniVal() {
    InfoFixtures.assumePython();
    Path root = InfoFixtures.synth(tmp.resolve("mini"), NuScenesVersion.MINI, 2);
    InfoParity p = compare(root, NuScenesVersion.MINI, "mini_val", tmp);
    assertTrue(p.diffs.isEmpty(), p.summary());
  }

  @Test
  void shouldMatchReferenceForSyntheticTestVersion() {
    InfoFixtures.assumePython();
    Path root = InfoFixtures.synth(tmp.resolve("test"), NuScenesVersion.TEST, 1);
    InfoParity p = compare(root, NuScenesVersion.TEST, "test", tmp);
    assertTrue(p.diffs.isEmpty(), p.summary());
    assertEquals(0, p.diffs.size());
  }
}
